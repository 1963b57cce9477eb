#include "seccomp_flags.h"

#include <charconv>

#include "common.h"
#include "core/error.h"

namespace imgstrip::cli {

void add_seccomp_flags(cxxopts::Options& options) {
  options.add_options("seccomp")(
      "runtime", "OCI runtime whose own system calls the profile allows: runc or crun",
      cxxopts::value<std::string>()->default_value("runc"))(
      "seccomp-init",
      "init processes an engine runs in front of the app with --init whose system calls the "
      "profile allows: tini (docker, compose's init: true), catatonit (podman), both or none",
      cxxopts::value<std::string>()->default_value("both"))(
      "seccomp-fallback",
      "what syscall sites with an unknown number cost: allow-wrapper-reach, allow-all-known "
      "or fail",
      cxxopts::value<std::string>()->default_value("allow-wrapper-reach"))(
      "seccomp-errno", "errno a denied system call returns (default ENOSYS)",
      cxxopts::value<std::string>()->default_value("38"))(
      "seccomp-cache",
      "cache of per-binary analyses (default ${XDG_CACHE_HOME:-~/.cache}/imgstrip/seccomp; "
      "empty: none)",
      cxxopts::value<std::string>());
}

SeccompSettings seccomp_settings(const cxxopts::ParseResult& args) {
  SeccompSettings s;
  std::string runtime = args["runtime"].as<std::string>();
  auto r = parse_runtime(runtime);
  if (!r || *r == OciRuntime::None) usage_fail("--runtime {}: expected runc or crun", runtime);
  s.profile.runtime = *r;
  std::string init = args["seccomp-init"].as<std::string>();
  auto inits = parse_inits(init);
  if (!inits)
    usage_fail("--seccomp-init {}: expected tini, catatonit, both (tini,catatonit) or none", init);
  s.profile.inits = *inits;
  std::string fb = args["seccomp-fallback"].as<std::string>();
  auto f = parse_fallback(fb);
  if (!f)
    usage_fail("--seccomp-fallback {}: expected allow-wrapper-reach, allow-all-known or fail", fb);
  s.analysis.fallback = *f;
  // A string, parsed here: cxxopts' integer parser trips a GCC 12 -Wrestrict false positive.
  std::string es = args["seccomp-errno"].as<std::string>();
  int e = 0;
  auto [end, ec] = std::from_chars(es.data(), es.data() + es.size(), e);
  if (ec != std::errc() || end != es.data() + es.size() || e < 1 || e > 4095)
    usage_fail("--seccomp-errno {}: expected a number 1..4095", es);
  s.profile.errno_ret = e;
  s.analysis.cache_dir = args.count("seccomp-cache")
                             ? std::filesystem::path(args["seccomp-cache"].as<std::string>())
                             : user_cache_dir("seccomp");
  return s;
}

}  // namespace imgstrip::cli
