#include "java/jni_symbol.h"

#include <vector>

#include "core/text.h"

namespace imgstrip {

std::optional<JniNative> jni_native(std::string_view symbol) {
  constexpr std::string_view kPrefix = "Java_";
  if (!symbol.starts_with(kPrefix)) return std::nullopt;
  std::string_view s = symbol.substr(kPrefix.size());
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '_') {
      parts.back() += c;
      continue;
    }
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (next == '1' || next == '2' || next == '3') {
      parts.back() += next == '1' ? '_' : next == '2' ? ';' : '[';
      ++i;
    } else if (next == '0') {
      if (i + 5 >= s.size()) return std::nullopt;
      unsigned cp = 0;
      for (size_t k = 2; k < 6; ++k) {
        int h = hex_value(s[i + k]);
        if (h < 0) return std::nullopt;
        cp = cp << 4 | static_cast<unsigned>(h);
      }
      append_utf8(parts.back(), cp);
      i += 5;
    } else {
      if (parts.back().empty()) break;  // "__": the signature follows
      parts.emplace_back();
    }
  }
  if (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.size() < 2) return std::nullopt;
  JniNative out;
  out.method = parts.back();
  out.class_name = parts[parts.size() - 2];
  for (size_t k = 0; k + 2 < parts.size(); ++k) {
    if (k) out.package += '.';
    out.package += parts[k];
  }
  return out;
}

}  // namespace imgstrip
