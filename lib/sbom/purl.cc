#include "sbom/purl.h"

#include <fmt/format.h>

namespace imgstrip {

std::string purl_escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string Purl::str() const {
  std::string out = "pkg:" + type + "/";
  size_t start = 0;
  while (start < name_space.size()) {  // each namespace segment on its own
    size_t slash = name_space.find('/', start);
    if (slash == std::string::npos) slash = name_space.size();
    if (slash > start) out += purl_escape(name_space.substr(start, slash - start)) + "/";
    start = slash + 1;
  }
  out += purl_escape(name);
  if (!version.empty()) out += "@" + purl_escape(version);
  char sep = '?';
  for (const auto& [key, value] : qualifiers) {
    if (value.empty()) continue;
    out += sep;
    out += key + "=" + purl_escape(value);
    sep = '&';
  }
  return out;
}

}  // namespace imgstrip
