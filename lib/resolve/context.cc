#include "resolve/context.h"

#include <fnmatch.h>

#include "core/path.h"
#include "elf/ld_so_conf.h"
#include "resolve/command_path.h"

namespace imgstrip {
namespace {

constexpr size_t kMaxScanned = 20000;  // text files scanned for references, in all
constexpr size_t kMaxDirRef = 5000;    // a referenced directory larger than this: only itself

ClosureOptions closure_options(const FileTree& tree, const ImageConfig& config) {
  ClosureOptions o;
  if (auto llp = config.env_value("LD_LIBRARY_PATH")) o.env.ld_library_path = split_list(*llp);
  o.readlink = [&tree](std::string_view p) -> std::optional<std::string> {
    const Entry* e = tree.find(p);
    if (e == nullptr || e->type != FileType::Symlink) return std::nullopt;
    return e->link;
  };
  return o;
}

// Account databases name every user's login shell and home directory, and etc/shells
// every installed shell: a container's app runs none of them because they are listed.
bool account_file(std::string_view path) {
  for (std::string_view f :
       {"etc/passwd", "etc/passwd-", "etc/group", "etc/group-", "etc/shadow", "etc/shadow-",
        "etc/gshadow", "etc/gshadow-", "etc/shells", "etc/adduser.conf", "etc/login.defs"}) {
    if (path == f) return true;
  }
  return false;
}

bool wants_locales(const ImageConfig& config) {
  for (const char* var : {"LANG", "LC_ALL", "LANGUAGE", "LC_MESSAGES"}) {
    auto v = config.env_value(var);
    if (v && !v->empty() && *v != "C" && *v != "POSIX" && !v->starts_with("C.")) return true;
  }
  return false;
}

}  // namespace

bool broad_dir(std::string_view dir) {
  static const std::set<std::string, std::less<>> kBroad = {"",
                                                            "bin",
                                                            "sbin",
                                                            "lib",
                                                            "lib32",
                                                            "lib64",
                                                            "libx32",
                                                            "usr",
                                                            "usr/bin",
                                                            "usr/sbin",
                                                            "usr/lib",
                                                            "usr/lib32",
                                                            "usr/lib64",
                                                            "usr/libx32",
                                                            "usr/libexec",
                                                            "usr/share",
                                                            "usr/local",
                                                            "usr/local/bin",
                                                            "usr/local/sbin",
                                                            "usr/local/lib",
                                                            "usr/local/share",
                                                            "usr/include",
                                                            "etc",
                                                            "var",
                                                            "var/lib",
                                                            "var/cache",
                                                            "var/log",
                                                            "var/tmp",
                                                            "var/spool",
                                                            "var/mail",
                                                            "tmp",
                                                            "run",
                                                            "var/run",
                                                            "opt",
                                                            "srv",
                                                            "home",
                                                            "root",
                                                            "proc",
                                                            "sys",
                                                            "dev",
                                                            "mnt",
                                                            "media",
                                                            "boot",
                                                            "usr/share/zoneinfo"};
  if (kBroad.count(dir)) return true;
  // Multiarch library directories (usr/lib/x86_64-linux-gnu).
  if ((dir.starts_with("usr/lib/") || dir.starts_with("lib/")) &&
      base_name(dir).find("-linux-") != std::string_view::npos &&
      dir.find('/', dir.find("lib/") + 4) == std::string_view::npos) {
    return true;
  }
  return is_doc_path(dir);
}

bool init_system_file(std::string_view path) {
  for (std::string_view dir :
       {"etc/init.d",         "etc/init",           "etc/cron.d",       "etc/cron.daily",
        "etc/cron.hourly",    "etc/cron.weekly",    "etc/cron.monthly", "etc/logrotate.d",
        "etc/systemd",        "lib/systemd",        "usr/lib/systemd",  "etc/rc0.d",
        "etc/rc1.d",          "etc/rc2.d",          "etc/rc3.d",        "etc/rc4.d",
        "etc/rc5.d",          "etc/rc6.d",          "etc/rcS.d",        "etc/apparmor.d",
        "usr/lib/tmpfiles.d", "usr/lib/sysusers.d", "etc/ufw"}) {
    if (inside(path, dir)) return true;
  }
  return account_file(path);
}

ResolveContext::ResolveContext(const FileTree& tree, const ImageConfig& config,
                               const StripRequest& request)
    : tree(tree),
      config(config),
      request(request),
      keep(tree),
      closure(tree, closure_options(tree, config)),
      path_dirs(image_path_dirs(config)),
      working_dir(strip_slashes(config.working_dir())),
      keep_locales(request.keep_locales || wants_locales(config)) {
  keep.set_exclude([this](const std::string& p) { return excluded(p); });
  if (keep_locales && !request.keep_locales) {
    notes.push_back("translations (/usr/share/locale) kept: the image sets a language");
  }
}

bool ResolveContext::excluded(const std::string& path) const {
  for (auto& pattern : request.excludes) {
    std::string pat = pattern.starts_with('/') ? pattern : "/" + pattern;
    while (pat.size() > 1 && pat.back() == '/')
      pat.pop_back();
    for (std::string p = path; !p.empty(); p = dir_name(p)) {
      if (::fnmatch(pat.c_str(), ("/" + p).c_str(), 0) == 0) return true;
    }
  }
  return false;
}

bool ResolveContext::skipped_in_package(const std::string& path) const {
  if (!request.keep_docs && is_doc_path(path)) return true;
  if (!keep_locales && is_locale_path(path)) return true;
  return false;
}

void ResolveContext::pull_owner(const std::string& path, const std::string& why,
                                const std::string& from, bool by_name) {
  if (!db) return;
  auto real = tree.resolve(path);
  if (!real) return;
  const Package* owner = db->owner_of(*real);
  std::string how = "owns " + abs_path(*real);
  if (owner == nullptr && by_name) {
    // A file a postinst copied from a package's template (php's mods-available/*.ini from
    // usr/share/php8.2-sqlite3/sqlite3/sqlite3.ini): the one package shipping that name.
    if (by_basename_.empty()) {
      for (auto& p : db->packages()) {
        for (auto& f : p.files)
          by_basename_[std::string(base_name(f))].insert(&p);
      }
    }
    auto it = by_basename_.find(std::string(base_name(*real)));
    if (it != by_basename_.end() && it->second.size() == 1) {
      owner = *it->second.begin();
      how = "ships a file named " + std::string(base_name(*real)) + " (" + abs_path(*real) +
            " is unowned)";
    }
  }
  if (owner == nullptr || selection->contains(owner->name)) return;
  // A directory is owned by many packages (lib -> usr/lib): that pulls in nothing.
  if (const Entry* e = tree.find(*real); e == nullptr || e->type == FileType::Directory) return;
  selection->add(*owner, how + ", " + why, from, true);
}

void ResolveContext::keep_reference(const std::string& from, const TextRef& ref, ReasonKind kind) {
  std::string where = from.empty() ? std::string("the image config")
                                   : abs_path(from) + ":" + std::to_string(ref.line);
  Reason reason{kind == ReasonKind::Entrypoint ? ReasonKind::Entrypoint : ReasonKind::ConfigRef,
                "referenced by " + where, from};
  std::vector<std::string> matches;
  if (has_glob(ref.text)) {
    matches = glob_in(tree, ref.text);
  } else {
    matches.push_back(strip_slashes(ref.text));
  }
  for (auto& m : matches) {
    auto r = tree.lookup(m, true);
    if (!r || r->entry == nullptr || r->path.empty()) continue;
    if (r->entry->type != FileType::Directory) {
      if (keep.add(m, reason)) {
        config_files.insert(r->path);
        named_files.insert(r->path);
      }
      continue;
    }
    if (broad_dir(r->path)) {
      keep.add(m, reason);
      continue;
    }
    size_t count = 0;
    std::string prefix = r->path + "/";
    const auto& all = tree.entries();
    for (auto it = all.lower_bound(prefix);
         it != all.end() && it->first.starts_with(prefix) && count <= kMaxDirRef; ++it) {
      ++count;
    }
    if (count > kMaxDirRef) {
      keep.add(m, reason);
      notes.push_back(abs_path(r->path) + " (referenced by " + where +
                      ") is large: kept the directory only");
      continue;
    }
    keep.add_tree(m, reason, [this](const std::string& p) { return skipped_in_package(p); });
    for (auto it = all.lower_bound(prefix); it != all.end() && it->first.starts_with(prefix);
         ++it) {
      config_files.insert(it->first);
    }
  }
}

void ResolveContext::keep_findings(const std::string& from, const Findings& found,
                                   ReasonKind kind) {
  for (auto& f : found.keep) {
    Reason reason{kind, f.why, from};
    if (f.tree) {
      keep.add_tree(f.path, reason, [this](const std::string& p) { return skipped_in_package(p); });
    } else {
      keep.add(f.path, reason);
    }
  }
  notes.insert(notes.end(), found.notes.begin(), found.notes.end());
}

bool ResolveContext::take_text_scan() {
  if (++text_scans_ <= kMaxScanned) return true;
  if (text_scans_ == kMaxScanned + 1) {
    notes.push_back("stopped scanning text files for references after " +
                    std::to_string(kMaxScanned));
  }
  return false;
}

}  // namespace imgstrip
