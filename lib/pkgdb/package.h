// The common model of an installed package, whichever package manager (dpkg, rpm, apk)
// recorded it. Readers fill it from the image's database; the stripper decides from it
// what to keep.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace imgstrip {

enum class DbKind { dpkg, rpm, apk };

const char* db_kind_name(DbKind kind);

// One named requirement or capability: `libc6:any (>= 2.34)` is {name "libc6", arch "any",
// constraint ">= 2.34"}; rpm `glibc >= 2.34` and apk `so:libc.musl-x86_64.so.1=1` alike.
struct Dependency {
  std::string name;
  std::string arch;        // dpkg arch qualifier (`:any`, `:native`), else empty
  std::string constraint;  // operator and version as text (">= 2.34"), empty for any

  bool operator==(const Dependency&) const = default;
};

// Any one of the alternatives satisfies the group (dpkg `a | b`); rpm and apk groups
// have exactly one alternative.
using Alternatives = std::vector<Dependency>;

struct Package {
  std::string name;
  std::string version;  // as the package manager prints it (rpm: [epoch:]version-release)
  std::string architecture;
  std::string source;  // source package name without version; the own name when unknown
  std::vector<Alternatives> depends;
  std::vector<Alternatives> pre_depends;  // dpkg Pre-Depends, rpm Requires(pre)
  std::vector<Dependency> provides;       // virtual names, with versions when given
  bool essential = false;                 // dpkg Essential: yes
  std::string priority;                   // dpkg Priority
  std::vector<std::string> files;         // owned paths (files and directories), relative to the
                                          // root, no leading '/'
  std::vector<std::string> conffiles;     // the subset of files that are configuration
  uint64_t installed_size = 0;            // bytes (dpkg's Installed-Size KiB are converted)
  std::string status;                     // dpkg: the Status field's state ("installed", ...)
  // Where the record is, for messages: "var/lib/dpkg/status:123",
  // "var/lib/rpm/rpmdb.sqlite: hnum 5", "lib/apk/db/installed:40".
  std::string origin;
  // dpkg: the stanza exactly as read (without the blank line after it), for
  // write_dpkg_status; empty for rpm and apk.
  std::string stanza;
  // rpm: name-[epoch:]version-release.arch; empty for dpkg and apk.
  std::string nevra;
  // rpm: the header number (the database's key for the package); 0 for dpkg and apk.
  uint64_t hnum = 0;
};

}  // namespace imgstrip
