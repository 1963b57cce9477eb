// Which packages a stripped image keeps: the named ones and, by the --deps rules, some of
// their Depends / Pre-Depends.
//   auto: a metapackage (nothing but documentation) expands to its Depends; otherwise
//         every dependency is followed (data, modules, the parts of one program) except
//         libraries (nothing but shared objects: the ELF closure keeps the ones used; a
//         library of a named package's own source is one of its parts and followed),
//         Essential and Priority: required packages (in every system; what is used of
//         them is kept where it is used: commands, libraries, NSS modules...) and helpers
//         of maintainer scripts and init systems (ucf, debconf, systemd, procps, ...).
//         A package reached only through Depends keeps its commands and modules only where
//         something uses them (Rule::on_demand).
//   none: only the named packages.
//   all:  the whole Depends closure, except Essential and Priority: required packages.
// Every dependency not followed is recorded, so a report can tell which -p to add.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"
#include "pkgdb/database.h"
#include "resolve/request.h"

namespace imgstrip {

struct KeptPackage {
  const Package* package = nullptr;
  std::string reason;  // "-p php-fpm", "Depends of php8.2-fpm (same source php8.2)"
  std::string from;    // the package that pulled this one in; empty when named by the user
  bool named = false;  // named by the user, or treated so (metapackage expansion, symlink)
};

struct SkippedDependency {
  std::string package;     // whose Depends it is
  std::string dependency;  // the group as written ("systemd | systemd-standalone-sysusers")
  std::string why;         // "helper", "library (left to the ELF closure)", ...
};

// Documentation paths dropped unless --keep-docs (usr/share/doc, man, info, lintian, ...).
bool is_doc_path(std::string_view path);
bool is_locale_path(std::string_view path);  // usr/share/locale
// Packages never followed under --deps auto.
bool is_helper_package(std::string_view name);
// True when every file the package installs (documentation and etc/ aside) is a shared
// object (libfoo.so.1, its symlinks): the ELF closure keeps exactly the ones used.
bool is_library_package(const Package& p, const FileTree& tree);
// True when a file (not a directory) of the package is in the tree.
bool has_files(const Package& p, const FileTree& tree);
// Data packages the essentials keep the needed part of (tzdata, locales): not followed.
bool covered_by_essentials(std::string_view name);
// True when the package installs nothing but directories and documentation.
bool is_metapackage(const Package& p, const FileTree& tree);

class PackageSelection {
 public:
  PackageSelection(const PackageDb& db, const FileTree& tree, DepsMode mode);

  // Files the resolver keeps only where something uses them (commands, modules): a
  // dependency with nothing else is not followed under --deps auto.
  void set_on_demand(std::function<bool(const Entry&)> on_demand) {
    on_demand_ = std::move(on_demand);
  }
  // Keeps `p` (when not kept yet) and its dependencies by the rules of the mode.
  void add(const Package& p, const std::string& reason, const std::string& from, bool named);
  bool contains(std::string_view name) const { return index_.count(std::string(name)) != 0; }
  const KeptPackage* find(std::string_view name) const;

  const std::vector<KeptPackage>& kept() const { return kept_; }
  // Dependencies not followed whose package is not kept in the end.
  std::vector<SkippedDependency> not_followed() const;

 private:
  void follow(size_t index);
  const Package* installed(const Alternatives& group) const;
  bool only_on_demand(const Package& p) const;
  // True when a package of `source` was named (or treated so).
  bool named_source(std::string_view source) const;

  const PackageDb& db_;
  const FileTree& tree_;
  DepsMode mode_;
  std::vector<KeptPackage> kept_;
  std::map<std::string, size_t> index_;
  std::vector<std::pair<SkippedDependency, std::string>> skipped_;  // with the resolved name
  std::function<bool(const Entry&)> on_demand_;
};

}  // namespace imgstrip
