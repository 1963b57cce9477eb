// imgstrip copy SRC DST: any transport to any transport.
#include <fmt/format.h>

#include <cstdio>

#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "image/copy.h"

namespace imgstrip::cli {

int run_copy(int argc, char** argv) {
  cxxopts::Options options("imgstrip copy",
                           "Copy an image between transports (docker://, oci:, docker-archive:).");
  options.positional_help("SRC DST");
  options.add_options()("src", "source image", cxxopts::value<std::string>())(
      "dst", "destination", cxxopts::value<std::string>())("json", "print the result as JSON");
  add_transport_flags(options);
  options.parse_positional({"src", "dst"});
  auto args = parse(options, argc, argv);
  if (!args.count("src") || !args.count("dst")) usage_fail("copy needs SRC and DST (see --help)");
  Location from = Location::parse(args["src"].as<std::string>());
  Location to = Location::parse(args["dst"].as<std::string>());
  RegistryOptions ro = registry_options(args);
  bool show = static_cast<bool>(ro.on_progress);
  auto source = open_source(from, ro);
  auto sink = open_sink(to, ro);
  CopyResult r = copy_image(*source, *sink, platform(args));
  if (show) std::fputs("\r\x1b[K", stderr);
  if (args.count("json")) {
    Json j = {{"source", source->name()},
              {"destination", sink->name()},
              {"sourceDigest", r.source_digest.str()},
              {"digest", r.digest.str()},
              {"blobsCopied", r.blobs_copied},
              {"blobsSkipped", r.blobs_skipped},
              {"bytesCopied", r.bytes_copied}};
    fmt::print("{}\n", j.dump(2));
  } else {
    if (!quiet(args)) {
      fmt::print(stderr, "Copied {} blobs ({}), {} already present\n", r.blobs_copied,
                 human_size(r.bytes_copied), r.blobs_skipped);
    }
    fmt::print("{}\n", r.digest.str());
  }
  return kExitOk;
}

}  // namespace imgstrip::cli
