// imgstrip run-args IMAGE [--engine docker|podman] [-o FILE]: the run flags that enforce a
// stripped image's seccomp profile and capabilities, read from its labels.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "core/stream.h"
#include "harden/harden.h"
#include "harden/run_args.h"
#include "image/image.h"
#include "seccomp/image_profile.h"
#include "strip/strip.h"

namespace imgstrip::cli {

int run_run_args(int argc, char** argv) {
  cxxopts::Options options(
      "imgstrip run-args",
      "Print the `docker run` (or `podman run`) flags that enforce a stripped image's seccomp\n"
      "profile and capabilities (docker ignores the io.containers.* labels).\n"
      "  imgstrip run-args IMAGE [--engine docker|podman] [-o FILE]");
  options.positional_help("IMAGE");
  options.add_options()("image", "a stripped image", cxxopts::value<std::string>())(
      "engine", "docker or podman (default: podman for containers-storage:, else docker)",
      cxxopts::value<std::string>())(
      "o,seccomp-out", "write the seccomp profile to this file (docker needs it as a file)",
      cxxopts::value<std::string>());
  add_transport_flags(options);
  options.parse_positional({"image"});
  auto args = parse(options, argc, argv);
  if (!args.count("image")) usage_fail("run-args needs IMAGE (see --help)");
  if (!args.unmatched().empty()) usage_fail("unexpected argument \"{}\"", args.unmatched()[0]);
  RunEngine engine = RunEngine::Docker;
  std::optional<std::string> engine_flag;
  if (args.count("engine")) {
    engine_flag = args["engine"].as<std::string>();
    if (*engine_flag != "docker" && *engine_flag != "podman")
      usage_fail("--engine must be docker or podman");
  }

  Location where = source_location(args["image"].as<std::string>());
  if (engine_flag) {
    engine = *engine_flag == "podman" ? RunEngine::Podman : RunEngine::Docker;
  } else if (where.kind == Location::Kind::ContainersStorage) {
    engine = RunEngine::Podman;
  }
  auto source = open_source(where, registry_options(args));
  Image img = load_image(*source, platform(args));
  auto labels = img.config.labels();
  if (!labels.contains(std::string(kStrippedBy)))
    fail("{}: not an image imgstrip stripped (no {} label)", source->name(), kStrippedBy);
  auto profile = labels.find(std::string(kSeccompLabel));
  bool has_profile = profile != labels.end() && !profile->second.empty();
  std::optional<std::string> file;
  if (has_profile && args.count("seccomp-out")) {
    Json parsed = Json::parse(profile->second, nullptr, false);
    if (!parsed.is_object())
      fail("{}: the {} label is not a JSON profile", source->name(), kSeccompLabel);
    file = std::filesystem::absolute(args["seccomp-out"].as<std::string>()).string();
    write_file_atomic(*file, parsed.dump(2) + "\n");
  } else if (has_profile && engine == RunEngine::Docker) {
    usage_fail("{} has a seccomp profile and docker reads profiles only from files: add -o FILE",
               source->name());
  }
  auto caps = labels.find(kCapabilitiesLabel);
  std::string caps_label = caps == labels.end() ? "" : caps->second;
  fmt::print("{}\n", shell_words(run_flags(engine, caps_label, file, has_profile)));
  return kExitOk;
}

}  // namespace imgstrip::cli
