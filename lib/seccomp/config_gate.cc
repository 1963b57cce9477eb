#include "seccomp/config_gate.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/path.h"
#include "core/text.h"
#include "elf/elf_header.h"
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

// Decides one rule for `gated` (the objects it applies to): the first kept file (or the
// command line) that turns it on.
void decide(const GateRule& rule, const FileTree& tree, const std::set<std::string>& kept,
            const std::vector<std::string>& command_line, const std::set<std::string>& gated,
            std::vector<ConfigGate>& gates) {
  std::optional<std::string> on;
  size_t read = 0;
  if (rule.command_line) {
    std::string words;
    for (const auto& w : command_line)
      words += w + "\n";
    if (auto line = rule.on(words)) on = fmt::format("the image's command line: {}", line->text);
  }
  for (auto it = kept.begin(); !on && it != kept.end(); ++it) {
    std::string path = FileTree::normalize(*it);
    bool self = gated.count(path) > 0;
    if (!self && (rule.any_file ? documentation(path) : !config_path(path))) continue;
    const Entry* e = tree.find(path);
    if (!e || e->type != FileType::Regular) continue;
    if (is_elf(tree.read_start(*e, 4))) {
      if (rule.on_object && e->size <= kMaxObject &&
          rule.on_object(tree.read(*e, kMaxObject), self))
        on = fmt::format("{} names it", path);
      continue;
    }
    if (e->size > kMaxConfig) continue;
    std::string text = tree.read(*e, kMaxConfig);
    ++read;
    if (auto line = rule.on(text)) on = fmt::format("{}:{}: {}", path, line->line, line->text);
  }
  for (auto& g : gates) {
    g.enabled = on.has_value();
    g.decided_by =
        on ? *on
           : fmt::format("no kept {}{} ({} read){} {}",
                         rule.any_file ? "text file outside documentation"
                                       : "configuration file under etc/ or *.conf",
                         rule.on_object ? " or ELF object" : "", read,
                         rule.command_line ? " nor the image's command line" : "", rule.off);
  }
}

}  // namespace

std::vector<ConfigGate> config_gates(const FileTree& tree, const std::set<std::string>& kept,
                                     const std::vector<std::string>& objects,
                                     const std::vector<std::string>& command_line) {
  std::vector<ConfigGate> out;
  for (const GateRule& rule : kRules) {
    std::vector<ConfigGate> gates;
    std::set<std::string> gated;
    for (const auto& p : objects)
      if (names_object(base_name(p), rule.object)) {
        gated.insert(p);
        for (std::string_view import : rule.imports)
          gates.push_back({p, std::string(import), std::string(rule.what), false, ""});
      }
    if (gates.empty()) continue;
    decide(rule, tree, kept, command_line, gated, gates);
    out.insert(out.end(), gates.begin(), gates.end());
  }
  return out;
}

}  // namespace imgstrip
