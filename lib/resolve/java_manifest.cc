#include "resolve/java_manifest.h"

#include "core/text.h"

namespace imgstrip {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool header_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> JarManifest::get(std::string_view name) const {
  for (auto& [n, v] : attributes) {
    if (same_name(n, name)) return v;
  }
  return std::nullopt;
}

JarManifest parse_manifest(std::string_view text) {
  JarManifest m;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a BOM some tools write
  size_t pos = 0, line_no = 0;
  bool last_ok = false;  // a continuation line extends the attribute before it
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end;
    if (pos < text.size()) {  // CRLF, LF or CR
      pos += text.substr(pos).starts_with("\r\n") ? 2 : 1;
    }
    ++line_no;
    if (line.empty()) break;  // the end of the main section
    if (line.front() == ' ') {
      if (last_ok) {
        m.attributes.back().second.append(line.substr(1));
      } else if (m.notes.size() < 20) {
        m.notes.push_back("line " + std::to_string(line_no) + ": continuation of nothing");
      }
      continue;
    }
    size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    bool valid = colon != std::string_view::npos && !name.empty() && name.size() <= 70;
    for (char c : name)
      valid = valid && header_name_char(c);
    if (!valid) {
      if (m.notes.size() < 20) {
        m.notes.push_back("line " + std::to_string(line_no) + ": not a \"Name: value\" line");
      }
      last_ok = false;
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    m.attributes.emplace_back(std::string(name), std::string(value));
    last_ok = true;
  }
  return m;
}

std::vector<std::string> class_path_entries(std::string_view value,
                                            std::vector<std::string>* skipped) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t'))
      ++i;
    size_t j = i;
    while (j < value.size() && value[j] != ' ' && value[j] != '\t')
      ++j;
    if (j > i) {
      std::string_view url = value.substr(i, j - i);
      size_t colon = url.find(':');
      size_t slash = url.find('/');
      bool has_scheme = colon != std::string_view::npos && colon > 0 &&
                        (slash == std::string_view::npos || colon < slash);
      if (has_scheme && url.substr(0, colon) == "file") {
        url.remove_prefix(5);
        if (url.starts_with("//")) {  // file://host/path: only an empty host is local
          url.remove_prefix(2);
          size_t s = url.find('/');
          url = s == std::string_view::npos ? std::string_view() : url.substr(s);
        }
        if (!url.empty()) out.push_back(percent_decode(url));
      } else if (has_scheme) {
        if (skipped != nullptr) skipped->emplace_back(url);
      } else {
        out.push_back(percent_decode(url));
      }
    }
    i = j;
  }
  return out;
}

}  // namespace imgstrip
