// What the user asks the stripper to keep: the flags of `imgstrip strip` as data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

// Which Depends of a named package come along (see resolver.h for the rules).
enum class DepsMode { Auto, None, All };

// Files that a running program needs although no package, script or ELF header names them.
// Each is on by default.
struct Essentials {
  bool passwd = true;       // etc/passwd, etc/group (shadow, gshadow when present)
  bool nss = true;          // etc/nsswitch.conf, the NSS modules it names, etc/hosts
  bool ca_certs = true;     // CA certificates, when a TLS library is kept
  bool openssl_cnf = true;  // etc/ssl/openssl.cnf (and usr/lib/ssl), when libssl is kept
  bool timezone = true;     // etc/localtime and the zone it points at, etc/timezone
  bool gconv = true;        // libc's gconv modules, when a kept binary imports iconv_open
  bool tmp_dirs = true;     // tmp (1777), var/tmp, run, var/run
  bool state_dirs = true;   // directories owned by kept packages (var/log/nginx, ...)
  bool os_release = true;   // etc/os-release, etc/debian_version... (scanners read them)
  bool package_db = true;   // the kept packages' database entries, written back trimmed
};

struct StripRequest {
  std::vector<std::string> packages;  // -p: names or virtual names
  std::vector<std::string> files;     // -f: absolute paths or globs; directories whole
  std::vector<std::string> excludes;  // -r: globs ('*' also matches '/'); win over all
  DepsMode deps = DepsMode::Auto;
  bool keep_docs = false;     // usr/share/doc, man, info, lintian, ... of kept packages
  bool keep_locales = false;  // usr/share/locale (also kept when the image sets LANG)
  bool keep_tzdata = false;   // all of usr/share/zoneinfo, not only the configured zone
  bool entrypoint = true;     // follow the image config's Entrypoint, Cmd and Healthcheck
  // --command: more command lines containers of the image run (a compose `command:`, a
  // Kubernetes `args:` or exec probe), kept like Cmd.
  std::vector<std::vector<std::string>> commands;
  // Every command of a named package, even when the image runs some of them and nothing
  // runs the rest (by default those are left out; see rule_packages.cc).
  bool all_commands = false;
  Essentials essentials;
};

DepsMode parse_deps_mode(std::string_view text);  // "auto" | "none" | "all"; UsageError else
std::string_view deps_mode_name(DepsMode mode);

}  // namespace imgstrip
