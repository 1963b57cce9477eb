#include "seccomp/mysql_options.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/text.h"

namespace imgstrip {

namespace {

// `word` names `option` (or an abbreviation of at least `shortest` characters of it): as
// "--name[=value]" anywhere, or as a my.cnf line's "name[=value]" at its start.
bool names_option(std::string_view word, bool first, std::string_view option, size_t shortest) {
  if (word.starts_with("--"))
    word.remove_prefix(2);
  else if (!first)
    return false;
  std::string w(word.substr(0, word.find('=')));
  std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) {
    return c == '_' ? '-' : static_cast<char>(std::tolower(c));
  });
  if (w.starts_with("loose-")) w.erase(0, 6);
  return w.size() >= std::min(shortest, option.size()) && w.size() <= option.size() &&
         option.starts_with(w);
}

}  // namespace

std::optional<ConfigLine> mysql_option_on(std::string_view text, std::string_view option,
                                          size_t shortest) {
  auto sep = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '`';
  };
  return first_line(text, "#;", [&](std::string_view line) {
    for (size_t i = 0; i < line.size();) {
      while (i < line.size() && sep(line[i]))
        ++i;
      size_t start = i;
      while (i < line.size() && !sep(line[i]))
        ++i;
      if (i > start && names_option(line.substr(start, i - start), start == 0, option, shortest))
        return true;
    }
    return false;
  });
}

std::optional<ConfigLine> mysql_chroot_on(std::string_view text) {
  return mysql_option_on(text, "chroot", 3);
}

}  // namespace imgstrip
