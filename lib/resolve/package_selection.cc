#include "resolve/package_selection.h"

#include <algorithm>
#include <set>

namespace imgstrip {
namespace {

std::string group_text(const Alternatives& group) {
  std::string out;
  for (auto& d : group) {
    if (!out.empty()) out += " | ";
    out += d.name;
    if (!d.constraint.empty()) out += " (" + d.constraint + ")";
  }
  return out;
}

bool starts_with_dir(std::string_view path, std::string_view dir) {
  return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

}  // namespace

bool is_doc_path(std::string_view path) {
  while (path.starts_with('/'))
    path.remove_prefix(1);
  for (std::string_view dir :
       {"usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/lintian", "usr/share/linda",
        "usr/share/doc-base", "usr/share/gtk-doc", "usr/share/help", "usr/share/bug"}) {
    if (starts_with_dir(path, dir)) return true;
  }
  return false;
}

bool is_locale_path(std::string_view path) {
  while (path.starts_with('/'))
    path.remove_prefix(1);
  return path.starts_with("usr/share/locale/");
}

bool is_helper_package(std::string_view name) {
  static const std::set<std::string_view> kHelpers = {"ucf",
                                                      "debconf",
                                                      "debconf-2.0",
                                                      "cdebconf",
                                                      "systemd",
                                                      "systemd-sysv",
                                                      "systemd-tmpfiles",
                                                      "systemd-standalone-tmpfiles",
                                                      "systemd-standalone-sysusers",
                                                      "init-system-helpers",
                                                      "procps",
                                                      "lsb-base",
                                                      "sysvinit-utils",
                                                      "sensible-utils",
                                                      "dpkg",
                                                      "adduser",
                                                      "passwd",
                                                      "login",
                                                      "cron",
                                                      "logrotate",
                                                      "lsb-release",
                                                      "update-inetd",
                                                      "install-info",
                                                      "man-db",
                                                      "dh-python",
                                                      "runit-helper",
                                                      "openrc",
                                                      "insserv",
                                                      "initscripts",
                                                      "debianutils"};
  return kHelpers.count(name) != 0;
}

bool is_metapackage(const Package& p, const FileTree& tree) {
  if (p.depends.empty() && p.pre_depends.empty()) return false;
  for (auto& f : p.files) {
    if (is_doc_path(f)) continue;
    auto r = tree.lookup(f, false);
    if (!r || r->entry == nullptr) continue;
    if (r->entry->type != FileType::Directory) return false;
  }
  return true;
}

bool has_files(const Package& p, const FileTree& tree) {
  for (auto& f : p.files) {
    auto r = tree.lookup(f, false);
    if (r && r->entry != nullptr && r->entry->type != FileType::Directory) return true;
  }
  return false;
}

bool covered_by_essentials(std::string_view name) {
  return name == "tzdata" || name == "tzdata-legacy" || name == "locales" || name == "locales-all";
}

bool is_library_package(const Package& p, const FileTree& tree) {
  bool any = false;
  for (auto& f : p.files) {
    if (is_doc_path(f) || is_locale_path(f) || starts_with_dir(f, "etc") ||
        starts_with_dir(f, "/etc")) {
      continue;  // configuration of the library (libmagic1's /etc/magic)
    }
    // libc6's gconv module lists: the essentials keep gconv whole when iconv is used.
    if (f.find("/gconv/") != std::string::npos) continue;
    // Directories, and the merged-/usr links a package lists as its directories (/lib).
    auto r = tree.lookup(f, true);
    if (!r || r->entry == nullptr || r->entry->type == FileType::Directory) continue;
    std::string_view name = f;
    name = name.substr(name.rfind('/') + 1);
    bool shared_object = name.ends_with(".so") || name.find(".so.") != std::string_view::npos;
    if (!shared_object) return false;
    any = true;
  }
  return any;
}

PackageSelection::PackageSelection(const PackageDb& db, const FileTree& tree, DepsMode mode)
    : db_(db), tree_(tree), mode_(mode) {}

const KeptPackage* PackageSelection::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &kept_[it->second];
}

const Package* PackageSelection::installed(const Alternatives& group) const {
  for (auto& d : group) {
    if (const Package* p = db_.find(d.name)) return p;
  }
  return nullptr;
}

void PackageSelection::add(const Package& p, const std::string& reason, const std::string& from,
                           bool named) {
  if (auto it = index_.find(p.name); it != index_.end()) {
    kept_[it->second].named = kept_[it->second].named || named;
    return;
  }
  index_.emplace(p.name, kept_.size());
  kept_.push_back({&p, reason, from, named});
  follow(kept_.size() - 1);
}

void PackageSelection::follow(size_t index) {
  const Package& p = *kept_[index].package;
  const bool meta = mode_ == DepsMode::Auto && is_metapackage(p, tree_);
  const bool named = kept_[index].named;
  std::vector<const Alternatives*> groups;
  for (auto& g : p.pre_depends)
    groups.push_back(&g);
  for (auto& g : p.depends)
    groups.push_back(&g);
  for (const Alternatives* group : groups) {
    const Package* dep = installed(*group);
    SkippedDependency skip{p.name, group_text(*group), ""};
    if (dep == nullptr) {
      skip.why = "not installed";
      skipped_.push_back({skip, ""});
      continue;
    }
    if (dep == &p || contains(dep->name)) continue;
    std::string reason;
    switch (mode_) {
      case DepsMode::None:
        skip.why = "--deps none";
        break;
      case DepsMode::All:
        if (dep->essential) {
          skip.why = "Essential";
        } else if (dep->priority == "required") {
          skip.why = "Priority: required";
        } else {
          reason = "Depends of " + p.name;
        }
        break;
      case DepsMode::Auto:
        if (is_helper_package(dep->name)) {
          skip.why = "helper of maintainer scripts or init systems";
        } else if (group->front().name.starts_with('/') ||
                   group->front().name.starts_with("cmd:")) {
          skip.why = "a command (kept where something runs it)";  // apk's "/bin/sh", "cmd:x"
        } else if (group->front().name.starts_with("so:")) {
          skip.why = "library (left to the ELF closure)";
        } else if (meta) {
          reason = "Depends of metapackage " + p.name;
        } else if (dep->source == p.source &&
                   (named_source(p.source) || !is_library_package(*dep, tree_))) {
          reason = "Depends of " + p.name + " (same source " + p.source + ")";
        } else if (dep->essential || dep->priority == "required") {
          skip.why = std::string(dep->essential ? "Essential" : "Priority: required") +
                     " (in every system; what is used of it is kept where it is used)";
        } else if (covered_by_essentials(dep->name)) {
          skip.why =
              "data the essentials keep in part (the configured time zone, locales "
              "when the image sets a language)";
        } else if (!has_files(*dep, tree_)) {
          skip.why = "none of its files are in the image";
        } else if (is_library_package(*dep, tree_)) {
          skip.why = "library (left to the ELF closure)";
        } else if (only_on_demand(*dep)) {
          skip.why = "commands or modules only (kept where something uses them)";
        } else {
          reason = "Depends of " + p.name + " (data or modules)";
        }
        break;
    }
    if (reason.empty()) {
      skipped_.push_back({skip, dep->name});
      continue;
    }
    // A metapackage's dependencies are what the user meant: treat them as named.
    add(*dep, reason, p.name, meta && named);
  }
}

bool PackageSelection::named_source(std::string_view source) const {
  return std::any_of(kept_.begin(), kept_.end(),
                     [&](const KeptPackage& k) { return k.named && k.package->source == source; });
}

bool PackageSelection::only_on_demand(const Package& p) const {
  if (!on_demand_) return false;
  for (auto& f : p.files) {
    if (is_doc_path(f) || is_locale_path(f)) continue;
    auto r = tree_.lookup(f, false);
    if (!r || r->entry == nullptr || r->entry->type == FileType::Directory) continue;
    if (!on_demand_(*r->entry)) return false;
  }
  return true;
}

std::vector<SkippedDependency> PackageSelection::not_followed() const {
  std::vector<SkippedDependency> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (auto& [skip, name] : skipped_) {
    if (!name.empty() && contains(name)) continue;
    if (seen.insert({skip.package, skip.dependency}).second) out.push_back(skip);
  }
  return out;
}

}  // namespace imgstrip
