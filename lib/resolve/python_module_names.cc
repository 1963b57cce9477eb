#include "resolve/python_module_names.h"

#include <set>

#include "core/text.h"

namespace imgstrip {
namespace {

bool opens(char c, NameSource s) {
  return s == NameSource::Binary ? c == '\0' : (c == '"' || c == '\'');
}
bool closes(char c, char open, NameSource s) {
  return s == NameSource::Binary ? c == '\0' : (c == open || c == ':');
}

// The dotted name starting at `i`, or npos: identifiers joined by single dots, two or more.
size_t dotted_end(std::string_view d, size_t i) {
  size_t parts = 0;
  while (true) {
    if (i >= d.size() || !identifier_start(d[i])) return std::string_view::npos;
    while (i < d.size() && identifier_char(d[i]))
      ++i;
    ++parts;
    if (i >= d.size() || d[i] != '.') break;
    ++i;
  }
  return parts >= 2 ? i : std::string_view::npos;
}

}  // namespace

std::vector<std::string> python_dotted_names(std::string_view data, NameSource source,
                                             size_t limit) {
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  // A binary's first string starts at offset 0 only in theory; ELF starts with \x7f.
  for (size_t i = 0; i + 1 < data.size() && out.size() < limit; ++i) {
    if (!opens(data[i], source) || !identifier_start(data[i + 1])) continue;
    size_t end = dotted_end(data, i + 1);
    if (end == std::string_view::npos || end >= data.size()) continue;
    if (!closes(data[end], data[i], source)) continue;
    std::string_view name = data.substr(i + 1, end - i - 1);
    if (seen.insert(name).second) out.emplace_back(name);
    // A closing quote may open the next string only in binaries (NUL-separated).
    if (source == NameSource::Binary) i = end - 1;
  }
  return out;
}

}  // namespace imgstrip
