#include "sbom/app_metadata.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "core/text.h"

namespace imgstrip {
namespace {

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// A name or version worth recording: printable, no control characters, bounded.
bool sane(std::string_view s) {
  if (s.empty() || s.size() > 512) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace

std::optional<NamedVersion> parse_package_json(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto name = j.find("name");
  auto version = j.find("version");
  if (name == j.end() || !name->is_string() || version == j.end() || !version->is_string()) {
    return std::nullopt;
  }
  NamedVersion nv{"", name->get<std::string>(), version->get<std::string>()};
  if (!sane(nv.name) || !sane(nv.version)) return std::nullopt;
  return nv;
}

std::optional<NamedVersion> parse_python_metadata(std::string_view text) {
  NamedVersion nv;
  for (std::string_view line : lines(text)) {
    if (trim_line(line).empty()) break;  // the headers end at the first blank line
    if (line.starts_with("Name:") && nv.name.empty()) nv.name = trim_line(line.substr(5));
    if (line.starts_with("Version:") && nv.version.empty()) nv.version = trim_line(line.substr(8));
  }
  if (!sane(nv.name) || !sane(nv.version)) return std::nullopt;
  return nv;
}

std::optional<NamedVersion> parse_pom_properties(std::string_view text) {
  NamedVersion nv;
  for (std::string_view line : lines(text)) {
    line = trim_line(line);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    size_t eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim_line(line.substr(0, eq));
    std::string_view value = trim_line(line.substr(eq + 1));
    if (key == "groupId") nv.group = value;
    if (key == "artifactId") nv.name = value;
    if (key == "version") nv.version = value;
  }
  if (!sane(nv.group) || !sane(nv.name) || !sane(nv.version)) return std::nullopt;
  return nv;
}

OsRelease parse_os_release(std::string_view text) {
  OsRelease os;
  for (std::string_view line : lines(text)) {
    line = trim_line(line);
    size_t eq = line.find('=');
    if (line.empty() || line.front() == '#' || eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq);
    std::string_view value = trim_line(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (!sane(value)) continue;
    if (key == "ID") os.id = value;
    if (key == "VERSION_ID") os.version_id = value;
    if (key == "PRETTY_NAME") os.pretty_name = value;
  }
  return os;
}

}  // namespace imgstrip
