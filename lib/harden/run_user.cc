#include "harden/run_user.h"

#include <charconv>
#include <vector>

#include "harden/input.h"

namespace imgstrip {
namespace {

std::optional<uint32_t> number(std::string_view s) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The fields of the line of a passwd/group file whose field `key` equals `value`.
std::optional<std::vector<std::string>> line_where(std::string_view text, size_t key,
                                                   std::string_view value) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
      size_t colon = line.find(':', start);
      fields.emplace_back(
          line.substr(start, colon == std::string_view::npos ? colon : colon - start));
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    if (fields.size() >= 4 && fields[key] == value) return fields;
  }
  return std::nullopt;
}

}  // namespace

std::optional<UserIds> user_ids(const FileTree& tree, std::string_view user) {
  if (starts_as_root(user)) return std::nullopt;
  size_t colon = user.find(':');
  std::string_view name = user.substr(0, colon);
  std::string passwd = tree.read("etc/passwd", 4 << 20).value_or("");
  // As runc does: a name must be in passwd; a number need not be, and takes the group of
  // the passwd line with that uid when there is one (else 0).
  UserIds ids;
  auto line = number(name) ? line_where(passwd, 2, name) : line_where(passwd, 0, name);
  if (auto n = number(name)) {
    ids.uid = *n;
  } else if (!line || !number((*line)[2])) {
    return std::nullopt;
  } else {
    ids.uid = *number((*line)[2]);
  }
  if (line) ids.gid = number((*line)[3]).value_or(0);
  if (colon != std::string_view::npos) {
    std::string_view group = user.substr(colon + 1);
    if (auto n = number(group)) {
      ids.gid = *n;
    } else {
      std::string groups = tree.read("etc/group", 4 << 20).value_or("");
      auto g = line_where(groups, 0, group);
      if (!g || !number((*g)[2])) return std::nullopt;
      ids.gid = *number((*g)[2]);
    }
  }
  return ids;
}

}  // namespace imgstrip
