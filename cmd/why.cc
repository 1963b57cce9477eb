// imgstrip why IMAGE [keep flags] PATH: why a path is kept (or that it is not).
#include <fmt/format.h>

#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "core/tempdir.h"
#include "report/report.h"
#include "strip/strip.h"
#include "strip_flags.h"

namespace imgstrip::cli {

int run_why(int argc, char** argv) {
  cxxopts::Options options("imgstrip why", "Explain why a path would be kept by a strip.");
  options.positional_help("IMAGE PATH");
  options.add_options()("image", "the image", cxxopts::value<std::string>())(
      "path", "the path to explain", cxxopts::value<std::string>());
  add_keep_flags(options);
  add_transport_flags(options);
  options.parse_positional({"image", "path"});
  auto args = parse(options, argc, argv);
  if (!args.count("image") || !args.count("path")) usage_fail("why needs IMAGE and PATH");
  Location where = source_location(args["image"].as<std::string>());
  auto source = open_source(where, registry_options(args));
  TempDir work;
  Analysis a = analyze_image(*source, platform(args), strip_request(args), work.path());
  std::string text = why_text(a.resolution, args["path"].as<std::string>());
  fmt::print("{}", text);
  if (!text.empty() && text.back() != '\n') fmt::print("\n");
  return a.resolution.keep.contains(FileTree::normalize(args["path"].as<std::string>()))
             ? kExitOk
             : kExitFailure;
}

}  // namespace imgstrip::cli
