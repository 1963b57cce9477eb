// imgstrip copy SRC DST: any transport to any transport.
#include <fmt/format.h>

#include <cstdio>

#include "attach_flags.h"
#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "core/tempdir.h"
#include "fs/flatten.h"
#include "image/copy.h"
#include "mutate/single_layer.h"

namespace imgstrip::cli {

namespace {

LayerOptions layer_options(const cxxopts::ParseResult& args) {
  LayerOptions o;
  std::string c = args["compression"].as<std::string>();
  if (c == "gzip") {
    o.compression = media::Compression::Gzip;
  } else if (c == "zstd") {
    o.compression = media::Compression::Zstd;
  } else {
    usage_fail("--compression must be gzip or zstd, not \"{}\"", c);
  }
  o.timestamp = source_date_epoch();
  if (args.count("timestamp")) o.timestamp = args["timestamp"].as<int64_t>();
  return o;
}

CopyResult flatten_copy(ImageSource& source, ImageSink& sink, const Platform& platform,
                        const LayerOptions& layer) {
  Image img = load_image(source, platform);
  source.prefetch(img.manifest.layers);
  TempDir work;
  FlattenOptions fo;
  fo.spool_dir = work.path();
  FileTree tree = flatten_image(source, img, fo);
  SingleLayerOptions so;
  so.layer = layer;
  so.created_by = "imgstrip copy --flatten";
  SingleLayerImage out = single_layer_image(img, tree, all_paths(tree), work.path(), so);
  CopyResult r = put_image(sink, out.manifest, out.config, out.blobs());
  r.source_digest = img.raw.digest;
  return r;
}

}  // namespace

int run_copy(int argc, char** argv) {
  cxxopts::Options options("imgstrip copy",
                           "Copy an image between transports (docker://, oci:, docker-archive:).");
  options.positional_help("SRC DST");
  options.add_options()("src", "source image", cxxopts::value<std::string>())(
      "dst", "destination", cxxopts::value<std::string>())("json", "print the result as JSON")(
      "flatten", "squash all layers into one (through the flattener and layer writer)")(
      "timestamp", "with --flatten: clamp file times and set created to this Unix time",
      cxxopts::value<int64_t>())("compression", "with --flatten: gzip or zstd",
                                 cxxopts::value<std::string>()->default_value("gzip"));
  add_transport_flags(options);
  add_sign_flags(options);
  options.parse_positional({"src", "dst"});
  auto args = parse(options, argc, argv);
  if (!args.count("src") || !args.count("dst")) usage_fail("copy needs SRC and DST (see --help)");
  Location from = source_location(args["src"].as<std::string>());
  Location to = target_location(args["dst"].as<std::string>());
  AttachRequest attach = attach_request(args, to);  // the key is checked before any work
  RegistryOptions ro = registry_options(args);
  if (from.kind == Location::Kind::Registry && to.kind == Location::Kind::Registry &&
      from.reference->registry == to.reference->registry &&
      from.reference->repository != to.reference->repository) {
    ro.mount_from = from.reference->repository;  // blobs can be mounted, not uploaded
  }
  bool show = static_cast<bool>(ro.on_progress);
  auto source = open_source(from, ro);
  auto sink = open_sink(to, ro);
  CopyResult r;
  if (args.count("flatten")) {
    r = flatten_copy(*source, *sink, platform(args), layer_options(args));
  } else {
    r = copy_image(*source, *sink, platform(args));
  }
  if (show) std::fputs("\r\x1b[K", stderr);
  Attached attached = attach_to_image(attach, to, ro, r.digest, nullptr, "");
  if (args.count("json")) {
    Json j = {{"source", source->name()},
              {"destination", sink->name()},
              {"sourceTransport", from.transport()},
              {"destinationTransport", to.transport()},
              {"sourceDigest", r.source_digest.str()},
              {"digest", r.digest.str()},
              {"blobsCopied", r.blobs_copied},
              {"blobsSkipped", r.blobs_skipped},
              {"bytesCopied", r.bytes_copied}};
    Json extra = attached_json(attached);
    for (auto& [key, value] : extra.items())
      j[key] = value;
    fmt::print("{}\n", j.dump(2));
  } else {
    if (!quiet(args)) {
      fmt::print(stderr, "Copied {} blobs ({}), {} already present\n", r.blobs_copied,
                 human_size(r.bytes_copied), r.blobs_skipped);
      if (attached.signature) fmt::print(stderr, "Signed as {}\n", attached.signature->tag);
    }
    fmt::print("{}\n", r.digest.str());
  }
  return kExitOk;
}

}  // namespace imgstrip::cli
