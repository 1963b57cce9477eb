#include "pkgdb/dpkg.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/error.h"

namespace imgstrip {
namespace {

constexpr size_t kStatusLimit = 256u << 20;
constexpr size_t kListLimit = 64u << 20;
constexpr std::string_view kStatusPath = "var/lib/dpkg/status";
constexpr std::string_view kStatusDir = "var/lib/dpkg/status.d";
constexpr std::string_view kInfoDir = "var/lib/dpkg/info";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Lines of a multi-line field value, trimmed, empty ones dropped.
std::vector<std::string_view> value_lines(std::string_view value) {
  std::vector<std::string_view> lines;
  size_t i = 0;
  while (i <= value.size()) {
    size_t j = value.find('\n', i);
    if (j == std::string_view::npos) j = value.size();
    std::string_view line = trim(value.substr(i, j - i));
    if (!line.empty()) lines.push_back(line);
    i = j + 1;
  }
  return lines;
}

std::string dpkg_path(std::string_view path) {
  while (!path.empty() && path.front() == '/')
    path.remove_prefix(1);
  while (path.size() >= 2 && path.substr(0, 2) == "./")
    path.remove_prefix(2);
  if (path == ".") return "";
  return std::string(path);
}

bool valid_package_name(std::string_view name) {
  if (name.empty()) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return is_space(c) || c == ',' || c == '|' || c == '(' || c == ')' || c == '/' ||
           static_cast<unsigned char>(c) < 0x20;
  });
}

// A file list as in info/NAME.list: one absolute path per line.
std::vector<std::string> parse_list(std::string_view text) {
  std::vector<std::string> files;
  for (auto line : value_lines(text)) {
    std::string path = dpkg_path(line);
    if (!path.empty()) files.push_back(std::move(path));
  }
  return files;
}

// status.d/NAME.md5sums and info/NAME.md5sums: "<md5>  path/relative/to/root".
std::vector<std::string> parse_md5sums(std::string_view text, std::string_view file) {
  std::vector<std::string> files;
  size_t lineno = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    ++lineno;
    if (trim(line).empty()) continue;
    size_t sep = line.find_first_of(" \t");
    if (sep == std::string_view::npos) fail("{}:{}: md5sums line without a path", file, lineno);
    std::string path = dpkg_path(trim(line.substr(sep)));
    if (!path.empty()) files.push_back(std::move(path));
  }
  return files;
}

std::string source_name(std::string_view source_field) {
  std::string_view s = trim(source_field);
  size_t space = s.find_first_of(" \t(");
  if (space != std::string_view::npos) s = s.substr(0, space);
  return std::string(s);
}

// Fills a Package from its stanza; nullopt when the stanza is not a present package.
std::optional<Package> package_from_stanza(const ControlStanza& stanza, std::string_view file,
                                           bool require_status) {
  std::string where = fmt::format("{}:{}", file, stanza.line);
  const std::string* name = stanza.get("Package");
  if (name == nullptr) fail("{}: stanza without a Package field", where);
  if (!valid_package_name(*name)) fail("{}: invalid package name '{}'", where, *name);

  Package p;
  p.name = *name;
  p.origin = where;
  p.stanza = stanza.text;
  if (const std::string* status = stanza.get("Status")) {
    auto words = value_lines(*status);
    std::string_view s = words.empty() ? std::string_view() : words.front();
    size_t last = s.find_last_of(" \t");
    if (last == std::string_view::npos || s.find_first_of(" \t") == last) {
      fail("{}: Status '{}' is not 'want flag state'", where, *status);
    }
    p.status = std::string(s.substr(last + 1));
    if (!dpkg_state_present(p.status)) return std::nullopt;
  } else if (require_status) {
    fail("{}: package {} has no Status field", where, p.name);
  } else {
    p.status = "installed";
  }
  if (auto* v = stanza.get("Version")) p.version = std::string(trim(*v));
  if (auto* v = stanza.get("Architecture")) p.architecture = std::string(trim(*v));
  if (auto* v = stanza.get("Source")) p.source = source_name(*v);
  if (p.source.empty()) p.source = p.name;
  if (auto* v = stanza.get("Priority")) p.priority = std::string(trim(*v));
  if (auto* v = stanza.get("Essential")) p.essential = iequals(trim(*v), "yes");
  if (auto* v = stanza.get("Depends")) p.depends = parse_dpkg_depends(*v, where + ": Depends");
  if (auto* v = stanza.get("Pre-Depends")) {
    p.pre_depends = parse_dpkg_depends(*v, where + ": Pre-Depends");
  }
  if (auto* v = stanza.get("Provides")) {
    for (auto& group : parse_dpkg_depends(*v, where + ": Provides")) {
      if (group.size() != 1) fail("{}: Provides with alternatives", where);
      p.provides.push_back(group.front());
    }
  }
  if (auto* v = stanza.get("Installed-Size")) {
    std::string_view s = trim(*v);
    uint64_t kib = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), kib);
    if (ec != std::errc() || end != s.data() + s.size() || kib > (UINT64_MAX >> 10)) {
      fail("{}: Installed-Size '{}' is not a number", where, s);
    }
    p.installed_size = kib << 10;
  }
  if (auto* v = stanza.get("Conffiles")) {
    for (auto line : value_lines(*v)) {
      // "/etc/x md5 [obsolete|remove-on-upgrade]": the path ends at the first blank (dpkg
      // does not allow blanks in conffile names).
      std::string path = dpkg_path(line.substr(0, line.find_first_of(" \t")));
      if (!path.empty()) p.conffiles.push_back(std::move(path));
    }
  }
  return p;
}

// info/NAME:ARCH.list for Multi-Arch: same packages, else info/NAME.list.
void read_info_files(const RootFs& root, Package& p) {
  std::string base = fmt::format("{}/{}", kInfoDir, p.name);
  std::string arch_base = fmt::format("{}:{}", base, p.architecture);
  auto list = p.architecture.empty() ? std::nullopt : root.read(arch_base + ".list", kListLimit);
  std::string used = arch_base;
  if (!list) {
    list = root.read(base + ".list", kListLimit);
    used = base;
  }
  if (list) p.files = parse_list(*list);
  if (p.conffiles.empty()) {
    if (auto conf = root.read(used + ".conffiles", kListLimit)) {
      p.conffiles = parse_list(*conf);
    }
  }
}

}  // namespace

const std::string* ControlStanza::get(std::string_view name) const {
  for (auto& [key, value] : fields) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

std::vector<ControlStanza> parse_control(std::string_view text, std::string_view file) {
  std::vector<ControlStanza> stanzas;
  ControlStanza current;
  bool open = false;
  size_t lineno = 0;
  size_t i = 0;
  auto finish = [&] {
    if (open) stanzas.push_back(std::move(current));
    current = ControlStanza();
    open = false;
  };
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    size_t next = j == std::string_view::npos ? text.size() : j + 1;
    std::string_view raw = text.substr(i, next - i);
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    i = next;
    ++lineno;
    if (trim(line).empty()) {
      finish();
      continue;
    }
    if (line.front() == '#') continue;  // deb822 comment
    if (line.front() == ' ' || line.front() == '\t') {
      if (!open) fail("{}:{}: continuation line before any field", file, lineno);
      current.fields.back().second += '\n';
      current.fields.back().second.append(line);
      current.text.append(line);
      current.text += '\n';
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) fail("{}:{}: line without a field name", file, lineno);
    std::string_view key = line.substr(0, colon);
    if (key.empty() || std::any_of(key.begin(), key.end(), [](char c) {
          return is_space(c) || static_cast<unsigned char>(c) < 0x21;
        })) {
      fail("{}:{}: invalid field name '{}'", file, lineno, key);
    }
    if (!open) {
      open = true;
      current.line = lineno;
    }
    if (current.get(key) != nullptr) fail("{}:{}: duplicate field {}", file, lineno, key);
    current.fields.emplace_back(std::string(key), std::string(trim(line.substr(colon + 1))));
    current.text.append(line);
    current.text += '\n';
  }
  finish();
  return stanzas;
}

std::vector<Alternatives> parse_dpkg_depends(std::string_view field, std::string_view where) {
  std::vector<Alternatives> groups;
  size_t i = 0;
  auto parse_one = [&](std::string_view text) {
    Dependency d;
    std::string_view rest = trim(text);
    size_t paren = rest.find('(');
    std::string_view head = trim(rest.substr(0, paren));
    if (paren != std::string_view::npos) {
      size_t close = rest.find(')', paren);
      if (close == std::string_view::npos) fail("{}: unterminated '(' in '{}'", where, rest);
      std::string_view cons = trim(rest.substr(paren + 1, close - paren - 1));
      size_t op_end = 0;
      while (op_end < cons.size() &&
             (cons[op_end] == '<' || cons[op_end] == '>' || cons[op_end] == '=')) {
        ++op_end;
      }
      std::string_view op = cons.substr(0, op_end);
      std::string_view version = trim(cons.substr(op_end));
      static constexpr std::string_view kOps[] = {"<<", "<=", "=", ">=", ">>", "<", ">"};
      if (std::find(std::begin(kOps), std::end(kOps), op) == std::end(kOps) || version.empty()) {
        fail("{}: bad version constraint '({})'", where, cons);
      }
      d.constraint = fmt::format("{} {}", op, version);
      // Anything after ')' may only be an architecture list or build profile (source
      // packages); installed packages have none, but tolerate them.
      std::string_view tail = trim(rest.substr(close + 1));
      if (!tail.empty() && tail.front() != '[' && tail.front() != '<') {
        fail("{}: unexpected '{}' after version constraint", where, tail);
      }
    }
    size_t bracket = head.find_first_of("[<");
    if (bracket != std::string_view::npos) head = trim(head.substr(0, bracket));
    size_t colon = head.find(':');
    if (colon != std::string_view::npos) {
      d.arch = std::string(head.substr(colon + 1));
      head = head.substr(0, colon);
      if (d.arch.empty()) fail("{}: empty architecture qualifier in '{}'", where, rest);
    }
    if (!valid_package_name(head)) fail("{}: invalid package name in '{}'", where, rest);
    d.name = std::string(head);
    return d;
  };
  while (i <= field.size()) {
    size_t comma = field.find(',', i);
    if (comma == std::string_view::npos) comma = field.size();
    std::string_view group_text = field.substr(i, comma - i);
    i = comma + 1;
    if (trim(group_text).empty()) continue;  // dpkg tolerates a trailing comma
    Alternatives group;
    size_t k = 0;
    while (k <= group_text.size()) {
      size_t bar = group_text.find('|', k);
      if (bar == std::string_view::npos) bar = group_text.size();
      std::string_view alt = group_text.substr(k, bar - k);
      k = bar + 1;
      if (trim(alt).empty()) fail("{}: empty alternative in '{}'", where, trim(group_text));
      group.push_back(parse_one(alt));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

bool dpkg_state_present(std::string_view state) {
  static constexpr std::string_view kPresent[] = {"installed",        "triggers-pending",
                                                  "triggers-awaited", "half-configured",
                                                  "unpacked",         "half-installed"};
  return std::find(std::begin(kPresent), std::end(kPresent), state) != std::end(kPresent);
}

std::vector<Package> read_dpkg(const RootFs& root) {
  std::vector<Package> packages;
  if (auto status = root.read(kStatusPath, kStatusLimit)) {
    for (auto& stanza : parse_control(*status, kStatusPath)) {
      if (auto p = package_from_stanza(stanza, kStatusPath, true)) {
        read_info_files(root, *p);
        packages.push_back(std::move(*p));
      }
    }
  }
  // distroless: one stanza per file, file lists in NAME.md5sums beside it.
  for (auto& entry : root.list(kStatusDir)) {
    if (entry.ends_with(".md5sums") || entry.starts_with(".")) continue;
    std::string path = fmt::format("{}/{}", kStatusDir, entry);
    auto text = root.read(path, kStatusLimit);
    if (!text) continue;
    for (auto& stanza : parse_control(*text, path)) {
      if (auto p = package_from_stanza(stanza, path, false)) {
        if (auto sums = root.read(path + ".md5sums", kListLimit)) {
          p->files = parse_md5sums(*sums, path + ".md5sums");
        } else {
          read_info_files(root, *p);
        }
        packages.push_back(std::move(*p));
      }
    }
  }
  return packages;
}

std::string write_dpkg_status(const std::vector<const Package*>& kept) {
  std::string out;
  for (const Package* p : kept) {
    if (p->stanza.empty()) continue;
    bool has_status = false;
    for (size_t i = 0; i < p->stanza.size();) {
      size_t j = p->stanza.find('\n', i);
      if (j == std::string::npos) j = p->stanza.size();
      std::string_view line(p->stanza.data() + i, j - i);
      if (line.size() >= 7 && iequals(line.substr(0, 7), "Status:")) has_status = true;
      i = j + 1;
    }
    if (has_status) {
      out += p->stanza;
    } else {
      // After the Package line, where dpkg writes it.
      size_t first = p->stanza.find('\n');
      first = first == std::string::npos ? p->stanza.size() : first + 1;
      out.append(p->stanza, 0, first);
      if (first == p->stanza.size() && !out.ends_with('\n')) out += '\n';
      out += "Status: install ok installed\n";
      out.append(p->stanza, first);
    }
    if (!out.ends_with('\n')) out += '\n';
    out += '\n';  // dpkg ends every stanza, the last one too, with a blank line
  }
  return out;
}

std::string write_dpkg_list(const Package& package,
                            const std::function<bool(const std::string&)>& is_kept) {
  std::string out = "/.\n";
  for (auto& path : package.files) {
    if (is_kept(path)) out += fmt::format("/{}\n", path);
  }
  return out;
}

}  // namespace imgstrip
