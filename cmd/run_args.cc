// imgstrip run-args IMAGE [--engine docker|podman] [-o FILE]: the run flags that enforce a
// stripped image's seccomp profile and capabilities, read from its labels.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "core/stream.h"
#include "core/text.h"
#include "harden/compose.h"
#include "harden/harden.h"
#include "harden/kube_pod.h"
#include "harden/run_args.h"
#include "image/image.h"
#include "seccomp/image_profile.h"
#include "strip/strip.h"

namespace imgstrip::cli {

namespace {

// The image as the engine names it, for the compose service and the Pod.
std::string image_name(const Location& where) {
  if (where.local_engine()) return where.name;
  if (where.kind == Location::Kind::Registry && where.reference) return where.reference->str();
  return "IMAGE";
}

}  // namespace

int run_run_args(int argc, char** argv) {
  cxxopts::Options options(
      "imgstrip run-args",
      "Print the `docker run` (or `podman run`) flags that enforce a stripped image's seccomp\n"
      "profile, capabilities, read-only root and writable paths (docker ignores the\n"
      "io.containers.* labels), or the same as a compose service or a Kubernetes Pod.\n"
      "  imgstrip run-args IMAGE [--engine docker|podman] [-o FILE] [--format FORMAT]");
  options.positional_help("IMAGE");
  options.add_options()("image", "a stripped image", cxxopts::value<std::string>())(
      "engine", "docker or podman (default: podman for containers-storage:, else docker)",
      cxxopts::value<std::string>())(
      "o,seccomp-out", "write the seccomp profile to this file (docker needs it as a file)",
      cxxopts::value<std::string>())(
      "format",
      "line (flags for a shell), args (one argument a line), compose (a compose service) or "
      "pod (a Kubernetes Pod)",
      cxxopts::value<std::string>()->default_value("line"));
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

  std::string format = args["format"].as<std::string>();
  if (format != "line" && format != "args" && format != "compose" && format != "pod")
    usage_fail("--format must be line, args, compose or pod");
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
  } else if (has_profile && (engine == RunEngine::Docker || format == "compose")) {
    usage_fail("{} has a seccomp profile and docker reads profiles only from files: add -o FILE",
               source->name());
  }
  RunConfig config = run_config_from_labels(labels, img.config.volumes());
  config.seccomp_file = file;
  if (format == "compose") {
    fmt::print("{}", compose_service(config, policy_name(where.str()), image_name(where)));
  } else if (format == "pod") {
    PodSettings pod;
    pod.name = policy_name(where.str());
    pod.image = image_name(where);
    if (has_profile) pod.localhost_profile = pod.name + ".seccomp.json";
    auto user = img.config.user();
    if (!starts_as_root(user)) {
      // The uid is in the image's files; a numeric User says it without them.
      auto colon = user.find(':');
      std::string uid = user.substr(0, colon);
      if (!uid.empty() && uid.find_first_not_of("0123456789") == std::string::npos)
        pod.run_as_uid = static_cast<uint32_t>(std::stoul(uid));
    }
    pod.liveness = img.config.health_check();
    fmt::print("{}", kube_pod(config, pod));
  } else if (format == "args") {
    for (const std::string& a : run_flags(engine, config))
      fmt::print("{}\n", one_line(a));
  } else {
    fmt::print("{}\n", shell_words(run_flags(engine, config)));
  }
  return kExitOk;
}

}  // namespace imgstrip::cli
