#include "strip_flags.h"

#include <nlohmann/json.hpp>

#include "core/command_words.h"
#include "core/error.h"

namespace imgstrip::cli {

void add_keep_flags(cxxopts::Options& options) {
  using strings = std::vector<std::string>;
  options.add_options("keep")("p,package", "keep this package (name or virtual name); repeatable",
                              cxxopts::value<strings>())(
      "f,file", "keep this path or glob (directories whole); repeatable",
      cxxopts::value<strings>())(
      "r,exclude", "remove paths matching this glob, whatever else says; repeatable",
      cxxopts::value<strings>())("deps", "dependencies of named packages: auto, none or all",
                                 cxxopts::value<std::string>()->default_value("auto"))(
      "keep-docs", "keep documentation, man and info pages")(
      "keep-locales", "keep translations (usr/share/locale)")(
      "keep-tzdata", "keep all time zones, not only the configured one")(
      "no-entrypoint", "do not follow the image's entrypoint, cmd and healthcheck")(
      "command",
      "a command line containers of the image also run (a compose command:, a Kubernetes "
      "args: or exec probe): kept like cmd; shell words or a JSON array; repeatable",
      cxxopts::value<std::string>())(
      "all-commands",
      "keep every command of a named package, also those nothing in the image runs")(
      "no-essential",
      "turn off an essential: passwd, nss, ca-certs, openssl-cnf, timezone, gconv, tmp-dirs, "
      "state-dirs, os-release, package-db; repeatable",
      cxxopts::value<strings>());
}

namespace {

// `--command '["sh","-c","x"]'` (as compose's and Kubernetes' lists) or shell words.
std::vector<std::string> command_argv(const std::string& c) {
  if (c.starts_with('[')) {
    auto j = nlohmann::json::parse(c, nullptr, false);
    std::vector<std::string> argv;
    if (j.is_array())
      for (const auto& w : j) {
        if (!w.is_string()) usage_fail("--command {}: the JSON array holds a non-string", c);
        argv.push_back(w.get<std::string>());
      }
    if (!j.is_array() || argv.empty() || argv[0].empty())
      usage_fail("--command {}: expected a JSON array of strings, the program first", c);
    return argv;
  }
  return command_words(c, "--command");
}

}  // namespace

StripRequest strip_request(const cxxopts::ParseResult& args) {
  using strings = std::vector<std::string>;
  StripRequest r;
  if (args.count("package")) r.packages = args["package"].as<strings>();
  if (args.count("file")) r.files = args["file"].as<strings>();
  if (args.count("exclude")) r.excludes = args["exclude"].as<strings>();
  r.deps = parse_deps_mode(args["deps"].as<std::string>());
  r.keep_docs = args.count("keep-docs") > 0;
  r.keep_locales = args.count("keep-locales") > 0;
  r.keep_tzdata = args.count("keep-tzdata") > 0;
  r.entrypoint = args.count("no-entrypoint") == 0;
  // Every occurrence as given: a vector option would be split at its commas.
  for (const auto& kv : args.arguments())
    if (kv.key() == "command") r.commands.push_back(command_argv(kv.value()));
  r.all_commands = args.count("all-commands") > 0;
  if (args.count("no-essential")) {
    for (auto& e : args["no-essential"].as<strings>()) {
      Essentials& x = r.essentials;
      bool* flag = e == "passwd"        ? &x.passwd
                   : e == "nss"         ? &x.nss
                   : e == "ca-certs"    ? &x.ca_certs
                   : e == "openssl-cnf" ? &x.openssl_cnf
                   : e == "timezone"    ? &x.timezone
                   : e == "gconv"       ? &x.gconv
                   : e == "tmp-dirs"    ? &x.tmp_dirs
                   : e == "state-dirs"  ? &x.state_dirs
                   : e == "os-release"  ? &x.os_release
                   : e == "package-db"  ? &x.package_db
                                        : nullptr;
      if (flag == nullptr) usage_fail("--no-essential {}: unknown essential", e);
      *flag = false;
    }
  }
  return r;
}

}  // namespace imgstrip::cli
