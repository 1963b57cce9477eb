#include "common.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "progress.h"

namespace imgstrip::cli {

void add_transport_flags(cxxopts::Options& options) {
  options.add_options("transport")(
      "platform", "os/arch[/variant] to pick from a multi-arch image (default: this host's)",
      cxxopts::value<std::string>())("creds", "registry credentials USER[:PASSWORD]",
                                     cxxopts::value<std::string>())(
      "authfile", "auth file (docker config.json or podman auth.json format)",
      cxxopts::value<std::string>())(
      "tls-verify", "verify TLS certificates; false also allows plain HTTP",
      cxxopts::value<bool>()->default_value("true")->implicit_value("true"))(
      "cert-dir", "directory with extra CA certificates (*.crt)", cxxopts::value<std::string>())(
      "jobs", "blobs transferred in parallel", cxxopts::value<int>()->default_value("4"))(
      "q,quiet", "no progress display");
}

RegistryOptions registry_options(const cxxopts::ParseResult& args) {
  RegistryOptions o;
  if (args.count("creds")) o.creds = args["creds"].as<std::string>();
  if (args.count("authfile")) o.authfile = args["authfile"].as<std::string>();
  o.tls_verify = args["tls-verify"].as<bool>();
  if (args.count("cert-dir")) o.cert_dir = args["cert-dir"].as<std::string>();
  o.jobs = args["jobs"].as<int>();
  if (o.jobs < 1 || o.jobs > 64) usage_fail("--jobs must be between 1 and 64");
  if (!quiet(args) && ::isatty(STDERR_FILENO)) o.on_progress = progress_display();
  return o;
}

Platform platform(const cxxopts::ParseResult& args) {
  if (args.count("platform")) return Platform::parse(args["platform"].as<std::string>());
  return Platform::host();
}

bool quiet(const cxxopts::ParseResult& args) {
  return args.count("quiet") > 0;
}

cxxopts::ParseResult parse(cxxopts::Options& options, int argc, char** argv) {
  options.add_options()("h,help", "show this help");
  cxxopts::ParseResult result;
  try {
    result = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(std::string(e.what()) + " (see --help)");
  }
  if (result.count("help")) {
    std::fputs(options.help().c_str(), stdout);
    std::exit(kExitOk);
  }
  return result;
}

Location source_location(const std::string& spec) {
  Location where = Location::parse(spec);
  if (!where.bare) return where;
  auto engine = local_engine();
  return resolve_source(std::move(where), *engine);
}

Location target_location(const std::string& spec) {
  Location where = Location::parse(spec);
  if (!where.bare) return where;
  auto engine = local_engine();
  return resolve_target(std::move(where), *engine);
}

std::string human_size(uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

std::filesystem::path user_cache_dir(std::string_view name) {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg) return std::filesystem::path(xdg) / "imgstrip" / name;
  const char* home = std::getenv("HOME");
  if (home && *home) return std::filesystem::path(home) / ".cache" / "imgstrip" / name;
  return {};
}

}  // namespace imgstrip::cli
