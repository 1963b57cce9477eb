#include "resolve/resolver.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/path.h"
#include "elf/closure.h"
#include "elf/elf_file.h"
#include "elf/ld_so_conf.h"
#include "pkgdb/database.h"
#include "resolve/command_path.h"
#include "resolve/text_scan.h"

namespace imgstrip {
namespace {

constexpr size_t kTextLimit = size_t{1} << 20;  // text files larger than this are not scanned
constexpr size_t kHeadSize = 1024;
constexpr size_t kMaxScanned = 20000;  // text files scanned for references, in all
constexpr size_t kMaxDirRef = 5000;    // a referenced directory larger than this: only itself
constexpr size_t kElfLimit = size_t{1} << 30;

// Directories too general to keep whole because a file mentions them.
bool broad_dir(const std::string& dir) {
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
      dir.find('/', dir.find("lib/") + 4) == std::string::npos) {
    return true;
  }
  return is_doc_path(dir);
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

// Files kept with their package but not scanned for commands and references: init
// systems and cron (a container does not run them) and the account files above.
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

// Shell builtins of sh/dash/bash: a word naming one does not run the binary of that name.
bool shell_builtin(std::string_view word) {
  static const std::set<std::string_view> kBuiltins = {
      "echo",    "printf", "test",    "[",        "true",   "false",    "kill",     "pwd",
      "read",    "cd",     "exec",    "set",      "export", "shift",    "exit",     "return",
      "trap",    "wait",   "command", "type",     "ulimit", "umask",    "eval",     "local",
      "getopts", "alias",  "unset",   "readonly", "times",  "break",    "continue", "hash",
      "if",      "then",   "else",    "elif",     "fi",     "for",      "while",    "until",
      "do",      "done",   "case",    "esac",     "in",     "function", "select",   "source"};
  return kBuiltins.count(word) != 0;
}

bool tls_library(std::string_view name) {
  for (std::string_view prefix : {"libssl.so", "libcrypto.so", "libcurl.so", "libcurl-gnutls.so",
                                  "libgnutls.so", "libnss3.so", "libmbedtls.so", "libwolfssl.so"}) {
    if (name.starts_with(prefix)) return true;
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

class Resolver {
 public:
  Resolver(const FileTree& tree, const ImageConfig& config, const StripRequest& request)
      : tree_(tree),
        config_(config),
        req_(request),
        closure_(tree, closure_options(tree, config)) {}

  Resolution run();

 private:
  static ClosureOptions closure_options(const FileTree& tree, const ImageConfig& config);
  bool excluded(const std::string& path) const;
  bool skipped_in_package(const std::string& path) const;
  void open_db();
  void add_named_packages();
  void add_files();
  void add_entrypoint();
  void add_argv(const std::vector<std::string>& argv, const std::string& what);
  void pull_owner(const std::string& path, const std::string& why, const std::string& from,
                  bool by_name = false);
  void add_package_files();
  void check_package_dirs();
  void scan_new_paths();
  void scan_file(const std::string& path, const Entry& e);
  void scan_shell(const std::string& path, std::string_view text);
  void scan_config(const std::string& path, std::string_view text);
  void keep_reference(const std::string& from, const TextRef& ref, ReasonKind kind);
  void run_closure();
  bool imports_iconv(const std::string& path);
  void add_essentials();
  void finish();

  const FileTree& tree_;
  const ImageConfig& config_;
  const StripRequest& req_;
  Resolution out_;
  std::shared_ptr<const PackageDb> db_;  // shared with the Resolution (packages point into it)
  std::optional<PackageSelection> selection_;
  ElfClosure closure_;
  std::vector<std::string> path_dirs_;
  bool keep_locales_ = false;

  size_t packages_done_ = 0;
  size_t scanned_ = 0;
  size_t text_scans_ = 0;
  size_t closure_done_ = 0;
  std::set<std::string> config_files_;  // real paths scanned as configuration when kept
  std::set<std::string> package_dirs_;  // directories of kept packages, not yet satisfied
  std::map<std::string, std::set<const Package*>> by_basename_;  // file name -> packages
  bool uses_iconv_ = false;
  bool ldconf_used_ = false;
  bool done_passwd_ = false, done_nss_ = false, done_nss_modules_ = false, done_tls_ = false,
       done_tz_ = false, done_gconv_ = false, done_dirs_ = false, done_release_ = false;
};

ClosureOptions Resolver::closure_options(const FileTree& tree, const ImageConfig& config) {
  ClosureOptions o;
  if (auto llp = config.env_value("LD_LIBRARY_PATH")) {
    size_t start = 0;
    while (start <= llp->size()) {
      size_t colon = llp->find(':', start);
      std::string d = llp->substr(start, colon == std::string::npos ? colon : colon - start);
      if (!d.empty()) o.env.ld_library_path.push_back(d);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  o.readlink = [&tree](std::string_view p) -> std::optional<std::string> {
    const Entry* e = tree.find(p);
    if (e == nullptr || e->type != FileType::Symlink) return std::nullopt;
    return e->link;
  };
  return o;
}

bool Resolver::excluded(const std::string& path) const {
  for (auto& pattern : req_.excludes) {
    std::string pat = pattern.starts_with('/') ? pattern : "/" + pattern;
    while (pat.size() > 1 && pat.back() == '/')
      pat.pop_back();
    for (std::string p = path; !p.empty(); p = dir_name(p)) {
      if (::fnmatch(pat.c_str(), ("/" + p).c_str(), 0) == 0) return true;
    }
  }
  return false;
}

bool Resolver::skipped_in_package(const std::string& path) const {
  if (!req_.keep_docs && is_doc_path(path)) return true;
  if (!keep_locales_ && is_locale_path(path)) return true;
  return false;
}

void Resolver::open_db() {
  try {
    if (auto db = open_package_db(tree_)) db_ = std::make_shared<const PackageDb>(std::move(*db));
  } catch (const Error& e) {
    if (!req_.packages.empty()) throw;
    out_.notes.push_back(std::string("package database not read: ") + e.what());
  }
  if (db_) {
    out_.database = db_;
    out_.package_db = db_kind_name(db_->kind());
    selection_.emplace(*db_, tree_, req_.deps);
  }
}

void Resolver::add_named_packages() {
  if (req_.packages.empty()) return;
  if (!db_) usage_fail("-p {}: the image has no package database", req_.packages.front());
  for (auto& name : req_.packages) {
    const Package* p = db_->find(name);
    if (p == nullptr) {
      usage_fail("-p {}: no package or virtual package of that name in the image's {} database",
                 name, out_.package_db);
    }
    selection_->add(*p, "-p " + name, "", true);
  }
}

void Resolver::add_files() {
  for (auto& f : req_.files) {
    std::vector<std::string> matches;
    if (has_glob(f)) {
      matches = glob_in(tree_, f.starts_with('/') ? f : "/" + f);
    } else {
      matches.push_back(strip_slashes(f));
    }
    size_t kept = 0;
    for (auto& m : matches)
      kept += out_.keep.add_tree(m, {ReasonKind::File, "-f " + f, ""});
    if (kept == 0 && !out_.keep.contains(strip_slashes(f))) {
      out_.notes.push_back("-f " + f + ": matches nothing in the image");
    }
  }
}

void Resolver::pull_owner(const std::string& path, const std::string& why, const std::string& from,
                          bool by_name) {
  if (!db_) return;
  auto real = tree_.resolve(path);
  if (!real) return;
  const Package* owner = db_->owner_of(*real);
  std::string how = "owns " + abs_path(*real);
  if (owner == nullptr && by_name) {
    // A file a postinst copied from a package's template (php's mods-available/*.ini from
    // usr/share/php8.2-sqlite3/sqlite3/sqlite3.ini): the one package shipping that name.
    if (by_basename_.empty()) {
      for (auto& p : db_->packages()) {
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
  if (owner == nullptr || selection_->contains(owner->name)) return;
  // A directory is owned by many packages (lib -> usr/lib): that pulls in nothing.
  if (const Entry* e = tree_.find(*real); e == nullptr || e->type == FileType::Directory) return;
  selection_->add(*owner, how + ", " + why, from, true);
}

void Resolver::add_argv(const std::vector<std::string>& argv, const std::string& what) {
  if (argv.empty()) return;
  std::string wd = strip_slashes(config_.working_dir());
  auto program = find_command(tree_, argv[0], path_dirs_, wd);
  if (!program) {
    out_.missing.push_back(what + " " + argv[0] + ": not found in the image's PATH");
  } else {
    out_.keep.add(*program, {ReasonKind::Entrypoint, what + " " + argv[0], ""});
    // The name of what the command really is (sh -> dash); a dangling link keeps its own.
    std::string real = tree_.resolve(*program).value_or(*program);
    std::string_view base = base_name(real);
    if (!is_shell(base) && base != "env") pull_owner(*program, "the " + what, "");
  }
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "-c" && program && is_shell(*program) && i + 1 < argv.size()) {
      scan_shell(abs_path(*program) + " -c", argv[i + 1]);
      ++i;
      continue;
    }
    if (arg.starts_with('/')) {
      keep_reference("", {arg, 0}, ReasonKind::Entrypoint);
    }
  }
}

void Resolver::add_entrypoint() {
  if (!req_.entrypoint) return;
  auto entrypoint = config_.entrypoint();
  auto cmd = config_.cmd();
  if (!entrypoint.empty()) {
    std::vector<std::string> all = entrypoint;
    all.insert(all.end(), cmd.begin(), cmd.end());
    add_argv(all, "entrypoint");
    // Cmd may itself be a program the entrypoint script runs ("nginx -g ...").
    if (!cmd.empty() && find_command(tree_, cmd[0], path_dirs_)) add_argv(cmd, "cmd");
  } else {
    add_argv(cmd, "cmd");
  }
  std::string wd = strip_slashes(config_.working_dir());
  if (!wd.empty()) out_.keep.add(wd, {ReasonKind::Entrypoint, "working directory", ""});
}

void Resolver::add_package_files() {
  if (!selection_) return;
  while (packages_done_ < selection_->kept().size()) {
    KeptPackage kp = selection_->kept()[packages_done_++];
    const Package& p = *kp.package;
    Reason reason{ReasonKind::Package, "package " + p.name + " (" + kp.reason + ")", ""};
    for (auto& f : p.files) {
      if (skipped_in_package(f)) continue;
      auto r = tree_.lookup(f, false);
      if (!r || r->entry == nullptr) continue;
      if (r->entry->type == FileType::Directory) {
        if (req_.essentials.state_dirs) out_.keep.add(f, reason);
        package_dirs_.insert(r->path);
        continue;
      }
      out_.keep.add(f, reason);
      if (kp.named && r->entry->type == FileType::Symlink) {
        pull_owner(f, "the target of " + abs_path(f) + " of " + p.name, p.name);
      }
    }
    for (auto& c : p.conffiles) {
      if (auto real = tree_.resolve(c)) config_files_.insert(*real);
    }
  }
}

// Entries no package owns, in directories that only kept packages own (php's conf.d
// symlinks made by a postinst), are part of those packages' configuration.
void Resolver::check_package_dirs() {
  if (!db_) return;
  for (auto it = package_dirs_.begin(); it != package_dirs_.end();) {
    const std::string dir = *it;
    bool all_kept = true;
    auto owners = db_->owners_of(dir);
    for (const Package* o : owners)
      all_kept = all_kept && selection_->contains(o->name);
    if (!all_kept || owners.empty()) {
      ++it;
      continue;
    }
    it = package_dirs_.erase(it);
    if (broad_dir(dir) || skipped_in_package(dir) || init_system_file(dir) ||
        inside(dir, "var/lib/dpkg")) {
      continue;
    }
    for (const Entry* child : tree_.children(dir)) {
      if (!db_->owners_of(child->path).empty()) continue;
      if (skipped_in_package(child->path)) continue;
      std::string why = "not owned by any package, in " + abs_path(dir) + " (owned by " +
                        owners.front()->name + (owners.size() > 1 ? ", ..." : "") + ")";
      if (!out_.keep.add(child->path, {ReasonKind::UnownedEntry, why, ""})) continue;
      if (child->type == FileType::Symlink) {
        pull_owner(child->path, "the target of " + abs_path(child->path), "", true);
      } else if (child->type == FileType::Directory) {
        out_.keep.add_tree(child->path, {ReasonKind::UnownedEntry, why, ""});
      }
    }
  }
}

void Resolver::scan_new_paths() {
  while (scanned_ < out_.keep.order().size()) {
    std::string path = out_.keep.order()[scanned_++];
    const Entry* e = tree_.find(path);
    if (e == nullptr || e->type != FileType::Regular || e->size == 0) continue;
    try {
      scan_file(path, *e);
    } catch (const Error& err) {
      out_.notes.push_back(abs_path(path) + " not scanned: " + err.what());
    }
  }
}

void Resolver::scan_file(const std::string& path, const Entry& e) {
  std::string head;
  {
    auto in = tree_.open(e);
    head.resize(std::min<uint64_t>(e.size, kHeadSize));
    size_t got = 0;
    while (got < head.size()) {
      size_t n = in->read(head.data() + got, head.size() - got);
      if (n == 0) break;
      got += n;
    }
    head.resize(got);
  }
  if (is_elf(head)) {
    closure_.add_root(path, "kept");
    return;
  }
  if (!looks_like_text(head) || e.size > kTextLimit || init_system_file(path)) return;
  auto shebang = parse_shebang(head);
  bool config = inside(path, "etc") || config_files_.count(path) != 0;
  if (!shebang && !config) return;
  if (++text_scans_ > kMaxScanned) {
    if (text_scans_ == kMaxScanned + 1) {
      out_.notes.push_back("stopped scanning text files for references after " +
                           std::to_string(kMaxScanned));
    }
    return;
  }
  std::string text = tree_.read(e, kTextLimit);
  if (!shebang) {
    scan_config(path, text);
    return;
  }
  Reason interp{ReasonKind::Interpreter, "interpreter of " + abs_path(path), path};
  bool shell = is_shell(shebang->interpreter);
  if (out_.keep.add(shebang->interpreter, interp)) {
    std::string real = tree_.resolve(strip_slashes(shebang->interpreter)).value_or("");
    if (!shell && base_name(real) != "env" && !is_shell(real)) {
      pull_owner(shebang->interpreter, "the interpreter of " + abs_path(path), "");
    }
  } else {
    out_.missing.push_back("interpreter " + shebang->interpreter + " of " + abs_path(path));
  }
  if (auto program = env_program(*shebang)) {
    shell = is_shell(*program);
    if (auto found = find_command(tree_, *program, path_dirs_)) {
      out_.keep.add(*found, interp);
      if (!shell) pull_owner(*found, "the interpreter of " + abs_path(path), "");
    } else {
      out_.missing.push_back("interpreter " + *program + " of " + abs_path(path));
    }
  }
  if (shell) scan_shell(path, text);
}

void Resolver::scan_shell(const std::string& path, std::string_view text) {
  for (auto& w : shell_words(text)) {
    if (shell_builtin(w.text)) continue;
    if (auto found = find_command(tree_, w.text, path_dirs_)) {
      out_.keep.add(*found, {ReasonKind::Command,
                             "command in " + abs_path(path) + ":" + std::to_string(w.line), path});
    }
  }
  for (auto& ref : absolute_paths(text))
    keep_reference(path, ref, ReasonKind::Command);
}

void Resolver::scan_config(const std::string& path, std::string_view text) {
  for (auto& ref : absolute_paths(text))
    keep_reference(path, ref, ReasonKind::ConfigRef);
}

void Resolver::keep_reference(const std::string& from, const TextRef& ref, ReasonKind kind) {
  std::string where = from.empty() ? std::string("the image config")
                                   : abs_path(from) + ":" + std::to_string(ref.line);
  Reason reason{kind == ReasonKind::Entrypoint ? ReasonKind::Entrypoint : ReasonKind::ConfigRef,
                "referenced by " + where, from};
  std::vector<std::string> matches;
  if (has_glob(ref.text)) {
    matches = glob_in(tree_, ref.text);
  } else {
    matches.push_back(strip_slashes(ref.text));
  }
  for (auto& m : matches) {
    auto r = tree_.lookup(m, true);
    if (!r || r->entry == nullptr || r->path.empty()) continue;
    if (r->entry->type == FileType::Directory) {
      if (broad_dir(r->path)) {
        out_.keep.add(m, reason);
        continue;
      }
      size_t count = 0;
      std::string prefix = r->path + "/";
      const auto& all = tree_.entries();
      for (auto it = all.lower_bound(prefix);
           it != all.end() && it->first.starts_with(prefix) && count <= kMaxDirRef; ++it) {
        ++count;
      }
      if (count > kMaxDirRef) {
        out_.keep.add(m, reason);
        out_.notes.push_back(abs_path(r->path) + " (referenced by " + where +
                             ") is large: kept the directory only");
        continue;
      }
      out_.keep.add_tree(m, reason, [this](const std::string& p) { return skipped_in_package(p); });
      for (auto it = all.lower_bound(prefix); it != all.end() && it->first.starts_with(prefix);
           ++it) {
        config_files_.insert(it->first);
      }
    } else if (out_.keep.add(m, reason)) {
      config_files_.insert(r->path);
    }
  }
}

bool Resolver::imports_iconv(const std::string& path) {
  auto bytes = tree_.read(path, kElfLimit);
  if (!bytes || bytes->find("iconv_open") == std::string::npos) return false;
  try {
    auto elf = ElfFile::parse(std::move(*bytes), path, {true, true, false});
    for (auto& s : elf.symbols(SymbolTable::Dynamic)) {
      if (s.name == "iconv_open" && !s.defined()) return true;
    }
  } catch (const Error&) {
  }
  return false;
}

void Resolver::run_closure() {
  closure_.resolve();
  const auto& objects = closure_.objects();
  for (; closure_done_ < objects.size(); ++closure_done_) {
    const ClosureObject& o = objects[closure_done_];
    for (auto& n : o.needed) {
      if (n.via != "/etc/ld.so.conf" || !n.path || !o.abi || ldconf_used_) continue;
      // Without the cache glibc still searches its default directories; Debian's
      // ld.so.conf.d lists those too, so only other directories need the cache.
      auto dir = tree_.resolve(dir_name(n.opened_as));
      bool in_default = false;
      for (auto& d : glibc_default_dirs(*o.abi))
        in_default = in_default || (dir && tree_.resolve(d) == dir);
      if (!in_default) {
        ldconf_used_ = true;
        out_.notes.push_back(abs_path(*n.path) +
                             " is found through /etc/ld.so.conf: " + "/etc/ld.so.cache kept");
      }
    }
    if (req_.essentials.gconv && !uses_iconv_ && o.error.empty() && imports_iconv(o.path)) {
      uses_iconv_ = true;
      out_.notes.push_back(abs_path(o.path) + " imports iconv_open: gconv modules kept");
    }
    if (!o.parent) continue;  // a root: kept already
    const std::string& parent = objects[*o.parent].path;
    Reason reason{ReasonKind::Needed, "DT_NEEDED of " + abs_path(parent), parent};
    if (o.reason.starts_with("PT_INTERP")) {
      reason = {ReasonKind::Interp, "PT_INTERP of " + abs_path(parent), parent};
    } else if (o.reason.starts_with("dlopen") || o.reason.starts_with("variant for dlopen")) {
      reason = {ReasonKind::Dlopen, "dlopen by " + abs_path(parent), parent};
    } else if (o.reason.find("variant of") != std::string::npos) {
      reason.detail = "hwcaps variant, " + reason.detail;
    }
    out_.keep.add(o.opened_as, reason);
    out_.keep.add(o.path, reason);
  }
}

void Resolver::add_essentials() {
  const Essentials& ess = req_.essentials;
  KeepSet& keep = out_.keep;
  auto add = [&](const char* path, const std::string& why) {
    keep.add(path, {ReasonKind::Essential, "essential: " + why, ""});
  };
  if (ess.passwd && !done_passwd_) {
    done_passwd_ = true;
    for (const char* p : {"etc/passwd", "etc/group", "etc/shadow", "etc/gshadow"})
      add(p, "users and groups");
  }
  if (ess.os_release && !done_release_) {
    done_release_ = true;
    for (const char* p : {"etc/os-release", "usr/lib/os-release", "etc/debian_version",
                          "etc/alpine-release", "etc/redhat-release", "etc/system-release",
                          "etc/centos-release", "etc/fedora-release", "etc/lsb-release"}) {
      add(p, "OS identification");
    }
  }
  if (ess.tmp_dirs && !done_dirs_) {
    done_dirs_ = true;
    for (const char* p : {"tmp", "var/tmp", "run", "var/run", "var/lock", "run/lock"})
      add(p, "temporary and runtime directories");
    if (tree_.find("tmp") == nullptr && !excluded("tmp")) {
      GeneratedFile g;
      g.entry.path = "tmp";
      g.entry.type = FileType::Directory;
      g.entry.mode = 01777;
      g.why = "essential: /tmp (missing in the image)";
      out_.generated.push_back(g);
    }
  }
  bool any_elf = false;
  const ClosureObject* libc = nullptr;
  bool tls = false, libssl = false;
  for (auto& o : closure_.objects()) {
    any_elf = true;
    if (o.soname && *o.soname == "libc.so.6" && libc == nullptr) libc = &o;
    std::string_view name = o.soname ? std::string_view(*o.soname) : base_name(o.path);
    tls = tls || tls_library(name);
    libssl = libssl || name.starts_with("libssl.so") || name.starts_with("libcrypto.so");
  }
  if (ess.nss && !done_nss_ && any_elf) {
    done_nss_ = true;
    for (const char* p : {"etc/nsswitch.conf", "etc/hosts", "etc/host.conf", "etc/services",
                          "etc/protocols", "etc/networks"}) {
      add(p, "name service switch");
    }
  }
  if (ess.nss && !done_nss_modules_ && libc != nullptr) {
    done_nss_modules_ = true;
    std::set<std::string> services;
    std::string text = tree_.read("etc/nsswitch.conf", kTextLimit).value_or("");
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      std::string line = text.substr(start, nl == std::string::npos ? nl : nl - start);
      start = nl == std::string::npos ? text.size() : nl + 1;
      if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string rest = line.substr(colon + 1);
      bool in_action = false;
      std::string word;
      for (size_t i = 0; i <= rest.size(); ++i) {
        char c = i < rest.size() ? rest[i] : ' ';
        if (c == '[') in_action = true;
        if (c == ']') {
          in_action = false;
          continue;
        }
        if (in_action) continue;
        if (c == ' ' || c == '\t') {
          if (!word.empty()) services.insert(word);
          word.clear();
        } else {
          word += c;
        }
      }
    }
    std::string by = libc->path;
    for (auto& svc : services) {
      std::string name = "libnss_" + svc + ".so.2";
      if (closure_.add_dlopen(name, by)) {
        for (auto& n : closure_.find(by)->dlopened) {
          if (n.name == name && n.path) {
            keep.add(n.opened_as,
                     {ReasonKind::Dlopen,
                      "essential: NSS module for \"" + svc + "\" in /etc/nsswitch.conf",
                      "etc/nsswitch.conf"});
          }
        }
      }
    }
  }
  if (tls && !done_tls_) {
    done_tls_ = true;
    if (ess.ca_certs) {
      for (const char* p :
           {"etc/ssl/certs", "usr/share/ca-certificates", "usr/local/share/ca-certificates",
            "etc/pki/tls/certs", "etc/pki/ca-trust"}) {
        keep.add_tree(
            p, {ReasonKind::Essential, "essential: CA certificates (a TLS library is kept)", ""});
      }
      add("etc/ca-certificates.conf", "CA certificates (a TLS library is kept)");
    }
    if (ess.openssl_cnf && libssl) {
      add("etc/ssl/openssl.cnf", "OpenSSL configuration");
      keep.add_tree("usr/lib/ssl", {ReasonKind::Essential, "essential: OpenSSL configuration", ""},
                    [](const std::string& p) { return inside(p, "usr/lib/ssl/misc"); });
    }
  }
  if (ess.timezone && !done_tz_) {
    done_tz_ = true;
    add("etc/localtime", "time zone");
    add("etc/timezone", "time zone");
    add("usr/share/zoneinfo/UTC", "time zone");
    if (req_.keep_tzdata) {
      keep.add_tree("usr/share/zoneinfo", {ReasonKind::Essential, "essential: --keep-tzdata", ""});
    }
  }
  if (ess.gconv && uses_iconv_ && !done_gconv_) {
    done_gconv_ = true;
    for (const char* pattern : {"/usr/lib/*/gconv", "/usr/lib64/gconv", "/usr/lib/gconv",
                                "/lib/*/gconv", "/lib64/gconv"}) {
      for (auto& dir : glob_in(tree_, pattern)) {
        keep.add_tree(dir,
                      {ReasonKind::Essential, "essential: gconv modules (iconv_open is used)", ""});
      }
    }
  }
}

void Resolver::finish() {
  KeepSet& keep = out_.keep;
  // The loader cache: only needed for libraries found through ld.so.conf directories.
  if (tree_.find("etc/ld.so.cache") != nullptr) {
    if (ldconf_used_) {
      keep.add("etc/ld.so.cache",
               {ReasonKind::Essential,
                "essential: libraries are found through ld.so.conf directories", ""});
      keep.add_tree("etc/ld.so.conf",
                    {ReasonKind::Essential, "essential: loader configuration", ""});
      keep.add_tree("etc/ld.so.conf.d",
                    {ReasonKind::Essential, "essential: loader configuration", ""});
    } else if (!keep.contains("etc/ld.so.cache")) {
      out_.notes.push_back(
          "/etc/ld.so.cache dropped: every kept library is in the loader's default directories");
    }
  }
  // The package database, written back for the kept packages.
  std::vector<const Package*> kept;
  if (db_) {
    for (auto& p : db_->packages()) {
      if (selection_->contains(p.name)) kept.push_back(&p);
    }
  }
  if (db_ && req_.essentials.package_db) {
    auto is_kept = [this](const std::string& path) {
      auto r = tree_.lookup(path, false);
      return r && r->entry != nullptr && out_.keep.contains(r->path);
    };
    PackageDbFiles files = package_db_files(tree_, *db_, kept, is_kept);
    for (auto& p : files.keep) {
      keep.add_tree(p, {ReasonKind::Essential, "essential: package database", ""});
    }
    for (auto& g : files.generated) {
      if (excluded(g.entry.path)) continue;
      if (!keep.add(g.entry.path, {ReasonKind::Generated, g.why, ""})) {
        keep.add_raw(g.entry.path, {ReasonKind::Generated, g.why, ""});
      }
      out_.generated.push_back(std::move(g));
    }
    out_.notes.insert(out_.notes.end(), files.notes.begin(), files.notes.end());
  }
  for (auto& g : out_.generated) {
    if (!keep.contains(g.entry.path))
      keep.add_raw(g.entry.path, {ReasonKind::Generated, g.why, ""});
  }

  // Removed paths and sizes.
  for (auto& [path, e] : tree_.entries()) {
    if (path.empty()) continue;
    bool k = keep.contains(path);
    if (!k) out_.removed.push_back(path);
    if (e.type == FileType::Regular) {
      ++out_.files_before;
      out_.bytes_before += e.size;
      if (k) {
        ++out_.files_after;
        out_.bytes_after += e.size;
      }
    }
  }
  if (db_) {
    for (auto& p : db_->packages()) {
      PackageSize s;
      s.name = p.name;
      if (const KeptPackage* k = selection_->find(p.name)) {
        s.kept = true;
        s.reason = k->reason;
      }
      std::set<std::string> seen;
      for (auto& f : p.files) {
        auto r = tree_.lookup(f, false);
        if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) continue;
        if (!seen.insert(r->path).second) continue;
        ++s.files_before;
        s.bytes_before += r->entry->size;
        if (keep.contains(r->path)) {
          ++s.files_after;
          s.bytes_after += r->entry->size;
        }
      }
      out_.package_sizes.push_back(std::move(s));
    }
    std::sort(out_.package_sizes.begin(), out_.package_sizes.end(),
              [](auto& a, auto& b) { return a.name < b.name; });
    out_.packages = selection_->kept();
    out_.not_followed = selection_->not_followed();
  }
  for (auto& m : closure_.missing()) {
    std::string by = m.needed_by < closure_.objects().size()
                         ? " (needed by " + abs_path(closure_.objects()[m.needed_by].path) + ")"
                         : "";
    out_.missing.push_back("library " + m.name + by + ": not found");
  }
  for (auto& h : keep.excluded_hits())
    out_.notes.push_back("excluded by -r: " + abs_path(h));
}

Resolution Resolver::run() {
  out_.keep = KeepSet(tree_);
  out_.keep.set_exclude([this](const std::string& p) { return excluded(p); });
  path_dirs_ = image_path_dirs(config_);
  keep_locales_ = req_.keep_locales || wants_locales(config_);
  if (keep_locales_ && !req_.keep_locales) {
    out_.notes.push_back("translations (/usr/share/locale) kept: the image sets a language");
  }
  open_db();
  add_named_packages();
  add_files();
  add_entrypoint();
  for (int round = 0; round < 1000; ++round) {
    size_t before =
        out_.keep.size() + (selection_ ? selection_->kept().size() : 0) + closure_.objects().size();
    add_package_files();
    check_package_dirs();
    scan_new_paths();
    run_closure();
    add_essentials();
    run_closure();
    size_t after =
        out_.keep.size() + (selection_ ? selection_->kept().size() : 0) + closure_.objects().size();
    if (after == before && scanned_ == out_.keep.order().size()) break;
  }
  finish();
  return std::move(out_);
}

}  // namespace

std::set<std::string> Resolution::paths() const {
  std::set<std::string> out = keep.paths();
  for (auto& g : generated)
    out.insert(g.entry.path);
  return out;
}

Resolution resolve(const FileTree& tree, const ImageConfig& config, const StripRequest& request) {
  return Resolver(tree, config, request).run();
}

FileTree stripped_tree(FileTree tree, const Resolution& resolution) {
  return with_generated(std::move(tree), resolution.generated);
}

}  // namespace imgstrip
