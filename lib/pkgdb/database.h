// The image's package database, whichever package manager wrote it: detection, and
// lookups by name, virtual name, source and file owner.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/rootfs.h"
#include "pkgdb/package.h"

namespace imgstrip {

class PackageDb {
 public:
  PackageDb(DbKind kind, std::vector<Package> packages);
  PackageDb(PackageDb&&) noexcept = default;
  PackageDb& operator=(PackageDb&&) noexcept = default;
  PackageDb(const PackageDb&) = delete;
  PackageDb& operator=(const PackageDb&) = delete;

  DbKind kind() const { return kind_; }
  const std::vector<Package>& packages() const { return packages_; }

  // The package called `name`: its name, dpkg "name:arch", rpm NEVRA with or without the
  // epoch ("bash-5.1-1.x86_64", as rpm -qa prints it), name-version[-release] or name.arch; else
  // the first package providing `name` (a virtual name); else, for an absolute path ("/bin/sh", as
  // rpm requires), its owner.
  const Package* find(std::string_view name) const;
  // Every package providing `name` (Provides / p:), in database order.
  std::vector<const Package*> providers(std::string_view name) const;

  // The first package owning `path` (relative to the root, a leading '/' is ignored), or
  // nullptr. Directories are often owned by several packages: see owners_of.
  const Package* owner_of(std::string_view path) const;
  std::vector<const Package*> owners_of(std::string_view path) const;

  // Packages built from the source package `source`, and all source names (sorted).
  std::vector<const Package*> by_source(std::string_view source) const;
  std::vector<std::string> sources() const;

  // Also index each owned path under its parent directory resolved inside `root`, so that
  // owner_of("usr/bin/ls") finds the owner of "bin/ls" when bin -> usr/bin (merged /usr).
  void index_resolved_paths(const RootFs& root);

 private:
  using Index = std::unordered_map<std::string, std::vector<size_t>>;
  std::vector<const Package*> collect(const Index& index, const std::string& key) const;

  DbKind kind_;
  std::vector<Package> packages_;
  Index names_;     // names and aliases
  Index provides_;  // virtual names
  Index owners_;    // paths
  Index sources_;   // source names
};

// The kinds of database the image has, in the order dpkg, rpm, apk.
std::vector<DbKind> detect_package_dbs(const RootFs& root);

// Opens the image's database (the first detected when there are several), with
// resolved-path indexing; nullopt when it has none. Throws Error on a malformed database.
std::optional<PackageDb> open_package_db(const RootFs& root);
// Opens a database of the given kind (empty when absent).
PackageDb open_package_db(const RootFs& root, DbKind kind);

// A path as the indexes hold it: no leading '/', no "." or empty components.
std::string normalize_package_path(std::string_view path);

}  // namespace imgstrip
