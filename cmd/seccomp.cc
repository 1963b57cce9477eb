// imgstrip seccomp IMAGE [keep flags] [--all] [-o FILE]: the seccomp profile of what a
// strip would keep (or of every ELF file with --all), without writing an image.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "core/stream.h"
#include "core/tempdir.h"
#include "fs/flatten.h"
#include "seccomp_flags.h"
#include "strip/strip.h"
#include "strip_flags.h"

namespace imgstrip::cli {

int run_seccomp(int argc, char** argv) {
  cxxopts::Options options("imgstrip seccomp",
                           "The seccomp profile (Docker/OCI JSON) of the binaries a strip keeps.");
  options.positional_help("IMAGE");
  options.add_options()("image", "the image", cxxopts::value<std::string>())(
      "all", "analyse every ELF file of the image, not only what a strip keeps")(
      "o,output", "write the profile to this file instead of printing it",
      cxxopts::value<std::string>())("report", "write the explanation (JSON) to this file",
                                     cxxopts::value<std::string>())(
      "explain",
      "print why each system call is allowed, and what the kept configuration left out (on "
      "stderr)");
  add_keep_flags(options);
  add_seccomp_flags(options);
  add_transport_flags(options);
  options.parse_positional({"image"});
  auto args = parse(options, argc, argv);
  if (!args.count("image")) usage_fail("seccomp needs IMAGE");
  if (!args.unmatched().empty()) usage_fail("unexpected argument \"{}\"", args.unmatched()[0]);
  SeccompSettings settings = seccomp_settings(args);
  Location where = source_location(args["image"].as<std::string>());
  auto source = open_source(where, registry_options(args));
  TempDir work;

  ImageSeccomp result;
  std::chrono::steady_clock::time_point start;
  if (args.count("all")) {
    Image image = load_image(*source, platform(args));
    FlattenOptions fo;
    fo.spool_dir = work.path();
    FileTree tree = flatten_image(*source, image, fo);
    take_image_settings(settings, image.config);
    start = std::chrono::steady_clock::now();
    result = seccomp_profile_for(tree, all_files(tree), settings);
  } else {
    StripRequest request = strip_request(args);
    Analysis a = analyze_image(*source, platform(args), request, work.path());
    std::set<std::string> kept = a.resolution.paths();
    FileTree stripped = stripped_tree(std::move(a.tree), a.resolution);
    take_image_settings(settings, a.image.config, request.commands);
    start = std::chrono::steady_clock::now();
    result = seccomp_profile_for(stripped, kept, settings);
  }

  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.count("report"))
    write_file_atomic(args["report"].as<std::string>(), seccomp_report_json(result).dump(2));
  if (args.count("explain")) {
    std::fputs(explain_text(result.analysis).c_str(), stderr);
    std::fputs(decisions_text(result).c_str(), stderr);
  }
  std::string json = result.profile.json.dump(2) + "\n";
  if (args.count("output")) {
    write_file_atomic(args["output"].as<std::string>(), json);
    if (!quiet(args))
      fmt::print(stderr,
                 "{} system calls allowed ({} for the runtime, {} for --init); {} objects ({} "
                 "cached), {} unresolved sites; analysis {:.2f} s\n",
                 result.profile.allowed.size(), result.profile.from_runtime.size(),
                 result.profile.from_init.size(), result.analysis.objects,
                 result.analysis.cache_hits, result.analysis.unresolved.size(), seconds);
  } else {
    fmt::print("{}", json);
  }
  return kExitOk;
}

}  // namespace imgstrip::cli
