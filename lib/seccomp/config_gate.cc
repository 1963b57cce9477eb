#include "seccomp/config_gate.h"

#include <algorithm>

#include <fmt/format.h>

namespace imgstrip {

namespace {

constexpr std::string_view kSpace = " \t\r";

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// php-fpm reads "0", "0s", "0m", "0h", "0d" (and any number of zeros) as off.
bool zero_duration(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  if (!v.empty() && std::string_view("smhd").find(v.back()) != std::string_view::npos)
    v.remove_suffix(1);
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c == '0'; });
}

std::string_view base_name_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<ConfigLine> fpm_slowlog_on(std::string_view conf) {
  size_t number = 0;
  while (!conf.empty()) {
    size_t nl = conf.find('\n');
    std::string_view line = trim(conf.substr(0, nl));
    conf = nl == std::string_view::npos ? std::string_view{} : conf.substr(nl + 1);
    ++number;
    if (line.empty() || line.front() == ';' || line.front() == '#' || line.front() == '[') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(line.substr(0, eq)) != "request_slowlog_timeout") continue;
    std::string_view value = trim(line.substr(eq + 1));
    if (size_t comment = value.find(';'); comment != std::string_view::npos)
      value = trim(value.substr(0, comment));
    if (!zero_duration(value)) return ConfigLine{number, std::string(line)};
  }
  return std::nullopt;
}

std::vector<ConfigGate> config_gates(const FileTree& tree, const std::set<std::string>& kept,
                                     const std::vector<std::string>& programs) {
  std::vector<ConfigGate> out;
  for (const auto& p : programs)
    if (base_name_of(p).starts_with("php-fpm"))
      out.push_back(
          {p, "ptrace", "php-fpm's slow-log tracer (request_slowlog_timeout)", false, ""});
  if (out.empty()) return out;

  std::optional<std::string> on;
  size_t read = 0;
  for (const auto& k : kept) {
    std::string path = FileTree::normalize(k);
    if (!path.starts_with("etc/") && !path.ends_with(".conf")) continue;
    const Entry* e = tree.find(path);
    if (!e || e->type != FileType::Regular || e->size > (size_t{1} << 20)) continue;
    ++read;
    if (auto line = fpm_slowlog_on(tree.read(*e, size_t{1} << 20))) {
      on = fmt::format("{}:{}: {}", path, line->line, line->text);
      break;
    }
  }
  for (auto& g : out) {
    g.enabled = on.has_value();
    g.decided_by = on ? *on
                      : fmt::format(
                            "no kept configuration file ({} read under etc/ or named "
                            "*.conf) sets request_slowlog_timeout above 0",
                            read);
  }
  return out;
}

}  // namespace imgstrip
