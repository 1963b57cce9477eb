#include "resolve/iconv_use.h"

#include "core/path.h"
#include "core/text.h"

namespace imgstrip {
namespace {

std::string charset_key(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

bool locale_value_char(char c) {
  return c != ' ' && c != '\t' && c != '"' && c != '\'' && c != ';' && c != '&' && c != '|' &&
         c != ')' && c != '`' && c != '\r';
}

bool variable_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

IconvUse iconv_use(std::string_view path, const std::optional<std::string>& soname) {
  std::string_view name = soname ? std::string_view(*soname) : base_name(path);
  if (name.starts_with("libstdc++.so.6") || name == "libinstrument.so" || name == "libjdwp.so")
    return IconvUse::InstalledLocale;
  if (!soname && base_name(path) == "bash") return IconvUse::LocaleVariable;
  return IconvUse::Any;
}

bool builtin_charset(std::string_view charset) {
  std::string s = charset_key(charset);
  // UTF-16, UTF-32 and UTF-7 have modules of their own (UTF-16.so...): not counted here.
  for (std::string_view b :
       {"utf8", "ascii", "usascii", "ansix3.41968", "iso646us", "ucs4", "ucs2"})
    if (s == b) return true;
  return false;
}

bool builtin_locale(std::string_view name) {
  if (name == "C" || name == "POSIX") return true;
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view charset = name.substr(dot + 1);
  if (size_t at = charset.find('@'); at != std::string_view::npos) charset = charset.substr(0, at);
  return builtin_charset(charset);
}

std::optional<LocaleAssignment> non_builtin_locale_variable(std::string_view text) {
  std::optional<LocaleAssignment> out;
  for_each_line(text, [&](std::string_view line, size_t number) {
    if (out) return;
    for (std::string_view var : {"LC_ALL=", "LC_CTYPE=", "LANG="}) {
      for (size_t at = line.find(var); at != std::string_view::npos; at = line.find(var, at + 1)) {
        if (at > 0 && variable_name_char(line[at - 1])) continue;
        size_t begin = at + var.size();
        if (begin < line.size() && (line[begin] == '"' || line[begin] == '\'')) ++begin;
        size_t end = begin;
        while (end < line.size() && locale_value_char(line[end]))
          ++end;
        std::string_view value = line.substr(begin, end - begin);
        // A value computed at run time ($X, ${LANG:-C}) may name any charset.
        bool computed = value.find('$') != std::string_view::npos;
        size_t dot = value.find('.');
        if (!computed) {
          if (dot == std::string_view::npos) continue;  // no charset: none iconv_open knows
          std::string_view charset = value.substr(dot + 1);
          if (size_t m = charset.find('@'); m != std::string_view::npos)
            charset = charset.substr(0, m);
          if (charset.empty() || builtin_charset(charset)) continue;
        }
        out = LocaleAssignment{number, std::string(line.substr(at, end - at))};
        return;
      }
    }
  });
  return out;
}

}  // namespace imgstrip
