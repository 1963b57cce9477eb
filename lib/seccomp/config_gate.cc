#include "seccomp/config_gate.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.h"
#include "core/path.h"
#include "core/text.h"
#include "elf/elf_header.h"
#include "java/jar_walk.h"
#include "seccomp/command_options.h"
#include "seccomp/krb5_ccache.h"
#include "seccomp/mysql_options.h"

namespace imgstrip {

namespace {

// php-fpm reads "0", "0s", "0m", "0h", "0d" (and any number of zeros) as off.
bool zero_duration(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  if (!v.empty() && std::string_view("smhd").find(v.back()) != std::string_view::npos)
    v.remove_suffix(1);
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c == '0'; });
}

// The first line of a php-fpm configuration setting `key` to a value `on` accepts.
template <typename On>
std::optional<ConfigLine> fpm_setting(std::string_view conf, std::string_view key, On on) {
  size_t number = 0;
  while (!conf.empty()) {
    size_t nl = conf.find('\n');
    std::string_view line = trim_line(conf.substr(0, nl));
    conf = nl == std::string_view::npos ? std::string_view{} : conf.substr(nl + 1);
    ++number;
    if (line.empty() || line.front() == ';' || line.front() == '#' || line.front() == '[') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim_line(line.substr(0, eq)) != key) continue;
    std::string_view value = trim_line(line.substr(eq + 1));
    if (size_t comment = value.find(';'); comment != std::string_view::npos)
      value = trim_line(value.substr(0, comment));
    if (on(value)) return ConfigLine{number, std::string(line)};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ConfigLine> fpm_slowlog_on(std::string_view conf) {
  return fpm_setting(conf, "request_slowlog_timeout",
                     [](std::string_view v) { return !zero_duration(v); });
}

std::optional<ConfigLine> fpm_process_priority_on(std::string_view conf) {
  return fpm_setting(conf, "process.priority", [](std::string_view) { return true; });
}

std::optional<ConfigLine> fpm_chroot_on(std::string_view conf) {
  return fpm_setting(conf, "chroot", [](std::string_view v) { return !v.empty(); });
}

std::optional<ConfigLine> first_line(std::string_view text, std::string_view comments,
                                     const std::function<bool(std::string_view)>& match) {
  std::optional<ConfigLine> out;
  for_each_line(text, [&](std::string_view raw, size_t number) {
    if (out) return;
    std::string_view line = trim_line(raw);
    if (line.empty() || comments.find(line.front()) != std::string_view::npos) return;
    if (match(line)) out = ConfigLine{number, std::string(line)};
  });
  return out;
}

std::optional<ConfigLine> nginx_worker_priority_on(std::string_view text) {
  return first_line(text, "#",
                    [](std::string_view line) { return contains_word(line, "worker_priority"); });
}

std::optional<ConfigLine> nginx_read_ahead_on(std::string_view text) {
  return first_line(text, "#",
                    [](std::string_view line) { return contains_word(line, "read_ahead"); });
}

std::optional<ConfigLine> fpm_listen_acl_on(std::string_view conf) {
  auto set = [](std::string_view v) { return !v.empty() && v != "\"\"" && v != "''"; };
  if (auto line = fpm_setting(conf, "listen.acl_users", set)) return line;
  return fpm_setting(conf, "listen.acl_groups", set);
}

namespace {

// One setting that turns on an object's calls to some imports.
struct GateRule {
  std::string_view object;  // a program's or library's base name (names_object)
  std::vector<std::string_view> imports;
  std::string_view what;
  std::string_view off;  // what the report says when nothing turns it on
  std::optional<ConfigLine> (*on)(std::string_view);
  bool any_file;      // every kept text file, not only etc/ and *.conf
  bool command_line;  // the program takes the setting as an argument
  // Kept ELF objects can turn it on too (a program passing the name to a library): their
  // bytes, and whether they are the gated object's own.
  bool (*on_object)(std::string_view bytes, bool gated) = nullptr;
};

// libkeyutils' functions that libkrb5's keyring ccache calls.
const std::vector<std::string_view> kKeyutils = {"add_key",
                                                 "keyctl_clear",
                                                 "keyctl_describe_alloc",
                                                 "keyctl_get_keyring_ID",
                                                 "keyctl_get_persistent",
                                                 "keyctl_link",
                                                 "keyctl_read_alloc",
                                                 "keyctl_search",
                                                 "keyctl_set_timeout",
                                                 "keyctl_unlink",
                                                 "keyctl_setperm",
                                                 "keyctl_revoke",
                                                 "keyctl_update",
                                                 "keyctl_invalidate",
                                                 "request_key",
                                                 "keyctl"};

// libselinux's functions GNU mkdir calls for -Z (coreutils' selinux.c: defaultcon,
// restorecon) and GNU sed for -i (open_next_file).
const std::vector<std::string_view> kSelinux = {"is_selinux_enabled",
                                                "selabel_open",
                                                "selabel_lookup",
                                                "setfscreatecon",
                                                "getfscreatecon",
                                                "lsetfilecon",
                                                "fsetfilecon",
                                                "lgetfilecon",
                                                "fgetfilecon",
                                                "getfilecon",
                                                "getcon",
                                                "freecon",
                                                "security_compute_create",
                                                "mode_to_security_class",
                                                "context_new",
                                                "context_str",
                                                "context_type_get",
                                                "context_type_set",
                                                "context_free"};

// libacl's functions GNU sed's in-place edit (gnulib's copy_acl) and php-fpm's socket ACLs
// (fpm_unix.c) call.
const std::vector<std::string_view> kAcl = {
    "acl_add_perm",      "acl_calc_mask",    "acl_clear_perms",
    "acl_copy_entry",    "acl_create_entry", "acl_delete_def_file",
    "acl_delete_entry",  "acl_dup",          "acl_entries",
    "acl_free",          "acl_from_mode",    "acl_get_entry",
    "acl_get_fd",        "acl_get_file",     "acl_get_permset",
    "acl_get_qualifier", "acl_get_tag_type", "acl_init",
    "acl_set_fd",        "acl_set_file",     "acl_set_permset",
    "acl_set_qualifier", "acl_set_tag_type", "acl_valid"};

std::vector<std::string_view> joined(std::vector<std::string_view> a,
                                     const std::vector<std::string_view>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const GateRule kRules[] = {
    {"php-fpm",
     {"ptrace"},
     "php-fpm's slow-log tracer (request_slowlog_timeout)",
     "sets request_slowlog_timeout above 0",
     fpm_slowlog_on,
     false,
     false},
    {"nginx",
     {"setpriority"},
     "nginx's worker_priority",
     "sets worker_priority",
     nginx_worker_priority_on,
     true,
     true},
    {"php-fpm",
     {"setpriority"},
     "php-fpm's process.priority",
     "sets process.priority",
     fpm_process_priority_on,
     true,
     false},
    {"php-fpm", {"chroot"}, "php-fpm's pool chroot", "sets chroot", fpm_chroot_on, true, false},
    {"mariadbd",
     {"chroot"},
     "the MariaDB server's --chroot",
     "sets the chroot option",
     mysql_chroot_on,
     true,
     true},
    {"mysqld",
     {"chroot"},
     "the MySQL server's --chroot",
     "sets the chroot option",
     mysql_chroot_on,
     true,
     true},
    {"libkrb5.so", kKeyutils, "Kerberos' kernel-keyring credential cache (KEYRING:)",
     "names a KEYRING ccache (KRB5CCNAME, default_ccache_name)", krb5_keyring_on, true, true,
     krb5_keyring_in_object},
    {"nginx",
     {"posix_fadvise64", "posix_fadvise"},
     "nginx's read_ahead",
     "sets read_ahead",
     nginx_read_ahead_on,
     true,
     true},
    {"php-fpm", kAcl, "php-fpm's socket ACLs (listen.acl_users, listen.acl_groups)",
     "sets listen.acl_users or listen.acl_groups", fpm_listen_acl_on, true, false},
    {"mkdir", kSelinux, "GNU mkdir's SELinux contexts (-Z, --context)",
     "runs mkdir with -Z or --context (or with arguments it cannot read)", mkdir_context_on, true,
     true, mkdir_context_in_object},
    {"mkdir",
     {"lchown", "lchmod"},
     "GNU mkdir's mode change after creating (-m, --mode)",
     "runs mkdir with -m or --mode (or with arguments it cannot read)",
     mkdir_mode_on,
     true,
     true,
     mkdir_mode_in_object},
    {"sed", joined(kAcl, kSelinux), "GNU sed's in-place edit (-i, --in-place)",
     "runs sed with -i or --in-place (or with arguments it cannot read)", sed_in_place_on, true,
     true, sed_in_place_in_object},
};

constexpr size_t kMaxConfig = size_t{8} << 20;
constexpr size_t kMaxObject = size_t{1} << 30;

bool config_path(std::string_view path) {
  return path.starts_with("etc/") || path.ends_with(".conf");
}

// Documentation and editors' syntax files, which name every directive but configure nothing.
bool documentation(std::string_view path) {
  for (std::string_view dir :
       {"usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/vim/", "usr/share/nano/",
        "usr/share/emacs/", "usr/share/bash-completion/", "usr/share/zsh/", "usr/share/locale/"})
    if (path.starts_with(dir)) return true;
  return false;
}

// `base` is the rule's object: its name, maybe followed by a version or flavour
// ("php-fpm8.2", "libkrb5.so.3.3", "nginx-debug"), not a longer name ("mysqldump").
bool names_object(std::string_view base, std::string_view object) {
  if (!base.starts_with(object)) return false;
  if (base.size() == object.size()) return true;
  char next = base[object.size()];
  return !((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '_');
}

// One rule being decided: the objects it gates, their gates, what turned it on.
struct Decision {
  const GateRule* rule = nullptr;
  std::set<std::string> gated;
  std::vector<ConfigGate> gates;
  std::optional<std::string> on;
  size_t read = 0;  // texts read

  // Whether the rule reads the kept file at `path` (still undecided).
  bool reads(const std::string& path) const {
    if (on) return false;
    if (gated.count(path) > 0) return true;
    return rule->any_file ? !documentation(path) : config_path(path);
  }
  void text(std::string_view data, const std::string& where) {
    ++read;
    if (auto line = rule->on(data)) on = fmt::format("{}:{}: {}", where, line->line, line->text);
  }
  void object(std::string_view bytes, const std::string& where, bool self) {
    if (rule->on_object && rule->on_object(bytes, self)) on = fmt::format("{} names it", where);
  }
};

// A jar, wheel or other zip, for the rules that read every file: its entries (and the
// archives in it) are read as files are; one that cannot be read could say anything.
void in_archive(const std::vector<Decision*>& active, const FileTree& tree, const Entry& e,
                const std::string& path) {
  try {
    JarReader zip(tree, e);
    walk_jar(zip, path, kNestedJars,
             [&](const std::string& at, const std::string&, std::string_view data) {
               if (data.empty() || data.size() > kMaxConfig) return true;
               bool elf = is_elf(data.substr(0, 4));
               bool open = false;
               for (Decision* d : active) {
                 if (d->on) continue;
                 if (elf)
                   d->object(data, at, false);
                 else
                   d->text(data, at);
                 open = open || !d->on;
               }
               return open;
             });
  } catch (const Error& err) {
    for (Decision* d : active)
      if (!d->on) d->on = fmt::format("{} cannot be read whole ({}): it could", path, err.what());
  }
}

// Decides the rules in one pass over the kept files, each read once for all the rules that
// read it: the first kept file (or the command line) that turns a rule on decides it.
void decide(std::vector<Decision>& decisions, const FileTree& tree,
            const std::set<std::string>& kept, const std::vector<std::string>& command_line) {
  std::string words;
  for (const auto& w : command_line)
    words += w + "\n";
  for (Decision& d : decisions)
    if (d.rule->command_line)
      if (auto line = d.rule->on(words))
        d.on = fmt::format("the image's command line: {}", line->text);
  std::vector<Decision*> active;
  for (const auto& k : kept) {
    std::string path = FileTree::normalize(k);
    active.clear();
    for (Decision& d : decisions)
      if (d.reads(path)) active.push_back(&d);
    if (active.empty()) continue;
    const Entry* e = tree.find(path);
    if (!e || e->type != FileType::Regular) continue;
    // A file that can be configuration is read whole once; a larger one only for its kind.
    const bool small = e->size <= kMaxConfig;
    std::string data = small ? tree.read(*e, kMaxConfig) : tree.read_start(*e, 4);
    std::string_view head = std::string_view(data).substr(0, 4);
    if (is_elf(head)) {
      auto wants = [](const Decision* d) { return d->rule->on_object != nullptr; };
      if (e->size > kMaxObject || std::none_of(active.begin(), active.end(), wants)) continue;
      if (!small) data = tree.read(*e, kMaxObject);
      for (Decision* d : active)
        d->object(data, path, d->gated.count(path) > 0);
      continue;
    }
    if (is_zip(head)) {
      std::erase_if(active, [](const Decision* d) { return !d->rule->any_file; });
      if (!active.empty()) in_archive(active, tree, *e, path);
      continue;
    }
    if (!small) continue;
    for (Decision* d : active)
      d->text(data, path);
  }
  for (Decision& d : decisions) {
    const GateRule& rule = *d.rule;
    for (auto& g : d.gates) {
      g.enabled = d.on.has_value();
      g.decided_by =
          d.on ? *d.on
               : fmt::format("no kept {}{} ({} read){} {}",
                             rule.any_file ? "text file outside documentation"
                                           : "configuration file under etc/ or *.conf",
                             rule.on_object ? " or ELF object" : "", d.read,
                             rule.command_line ? " nor the image's command line" : "", rule.off);
    }
  }
}

}  // namespace

std::vector<ConfigGate> config_gates(const FileTree& tree, const std::set<std::string>& kept,
                                     const std::vector<std::string>& objects,
                                     const std::vector<std::string>& command_line) {
  std::vector<Decision> decisions;
  for (const GateRule& rule : kRules) {
    Decision d;
    d.rule = &rule;
    for (const auto& p : objects)
      if (names_object(base_name(p), rule.object)) {
        d.gated.insert(p);
        for (std::string_view import : rule.imports)
          d.gates.push_back({p, std::string(import), std::string(rule.what), false, ""});
      }
    if (!d.gates.empty()) decisions.push_back(std::move(d));
  }
  decide(decisions, tree, kept, command_line);
  std::vector<ConfigGate> out;
  for (const Decision& d : decisions)
    out.insert(out.end(), d.gates.begin(), d.gates.end());
  return out;
}

}  // namespace imgstrip
