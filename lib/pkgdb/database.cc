#include "pkgdb/database.h"

#include <algorithm>

#include "pkgdb/apk.h"
#include "pkgdb/dpkg.h"
#include "pkgdb/rpm.h"

namespace imgstrip {

const char* db_kind_name(DbKind kind) {
  switch (kind) {
    case DbKind::dpkg:
      return "dpkg";
    case DbKind::rpm:
      return "rpm";
    case DbKind::apk:
      return "apk";
  }
  return "?";
}

std::string normalize_package_path(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (!out.empty()) out += '/';
    out.append(part);
  }
  return out;
}

PackageDb::PackageDb(DbKind kind, std::vector<Package> packages)
    : kind_(kind), packages_(std::move(packages)) {
  auto add = [](Index& index, const std::string& key, size_t i) {
    auto& list = index[key];
    if (list.empty() || list.back() != i) list.push_back(i);
  };
  for (size_t i = 0; i < packages_.size(); ++i) {
    const Package& p = packages_[i];
    add(names_, p.name, i);
    if (!p.architecture.empty()) {
      add(names_, p.name + ":" + p.architecture, i);
      add(names_, p.name + "." + p.architecture, i);
    }
    if (!p.nevra.empty()) {
      add(names_, p.nevra, i);
      add(names_, p.name + "-" + p.version, i);
      std::string_view version = p.version;
      if (size_t colon = version.find(':'); colon != std::string_view::npos) {
        // rpm -qa prints N-V-R.A without the epoch.
        version.remove_prefix(colon + 1);
        add(names_, p.name + "-" + std::string(version), i);
        if (!p.architecture.empty()) {
          add(names_, p.name + "-" + std::string(version) + "." + p.architecture, i);
        }
      }
      if (size_t dash = version.rfind('-'); dash != std::string_view::npos) {
        add(names_, p.name + "-" + std::string(version.substr(0, dash)), i);
      }
    }
    for (auto& v : p.provides)
      add(provides_, v.name, i);
    for (auto& f : p.files)
      add(owners_, normalize_package_path(f), i);
    add(sources_, p.source, i);
  }
}

std::vector<const Package*> PackageDb::collect(const Index& index, const std::string& key) const {
  std::vector<const Package*> out;
  auto it = index.find(key);
  if (it == index.end()) return out;
  for (size_t i : it->second)
    out.push_back(&packages_[i]);
  return out;
}

const Package* PackageDb::find(std::string_view name) const {
  std::string key(name);
  if (auto it = names_.find(key); it != names_.end()) return &packages_[it->second.front()];
  if (auto it = provides_.find(key); it != provides_.end()) {
    return &packages_[it->second.front()];
  }
  if (name.starts_with('/')) return owner_of(name);
  return nullptr;
}

std::vector<const Package*> PackageDb::providers(std::string_view name) const {
  return collect(provides_, std::string(name));
}

const Package* PackageDb::owner_of(std::string_view path) const {
  auto it = owners_.find(normalize_package_path(path));
  return it == owners_.end() ? nullptr : &packages_[it->second.front()];
}

std::vector<const Package*> PackageDb::owners_of(std::string_view path) const {
  return collect(owners_, normalize_package_path(path));
}

std::vector<const Package*> PackageDb::by_source(std::string_view source) const {
  return collect(sources_, std::string(source));
}

std::vector<std::string> PackageDb::sources() const {
  std::vector<std::string> out;
  out.reserve(sources_.size());
  for (auto& [name, list] : sources_)
    out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

void PackageDb::index_resolved_paths(const RootFs& root) {
  std::unordered_map<std::string, std::optional<std::string>> resolved_dirs;
  for (size_t i = 0; i < packages_.size(); ++i) {
    for (auto& f : packages_[i].files) {
      std::string path = normalize_package_path(f);
      size_t slash = path.rfind('/');
      if (slash == std::string::npos) continue;
      std::string dir = path.substr(0, slash);
      auto [it, inserted] = resolved_dirs.try_emplace(dir);
      if (inserted) it->second = root.resolve(dir);
      if (!it->second || *it->second == dir) continue;
      std::string alias =
          it->second->empty() ? path.substr(slash + 1) : *it->second + path.substr(slash);
      auto& list = owners_[alias];
      if (std::find(list.begin(), list.end(), i) == list.end()) list.push_back(i);
    }
  }
}

std::vector<DbKind> detect_package_dbs(const RootFs& root) {
  std::vector<DbKind> kinds;
  if (root.resolve("var/lib/dpkg/status") || !root.list("var/lib/dpkg/status.d").empty()) {
    kinds.push_back(DbKind::dpkg);
  }
  if (find_rpm_db(root)) kinds.push_back(DbKind::rpm);
  if (root.resolve("lib/apk/db/installed")) kinds.push_back(DbKind::apk);
  return kinds;
}

PackageDb open_package_db(const RootFs& root, DbKind kind) {
  std::vector<Package> packages;
  switch (kind) {
    case DbKind::dpkg:
      packages = read_dpkg(root);
      break;
    case DbKind::rpm:
      packages = read_rpm(root);
      break;
    case DbKind::apk:
      packages = read_apk(root);
      break;
  }
  PackageDb db(kind, std::move(packages));
  db.index_resolved_paths(root);
  return db;
}

std::optional<PackageDb> open_package_db(const RootFs& root) {
  auto kinds = detect_package_dbs(root);
  if (kinds.empty()) return std::nullopt;
  return open_package_db(root, kinds.front());
}

}  // namespace imgstrip
