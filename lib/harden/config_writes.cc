#include "harden/config_writes.h"

#include <fmt/format.h>

#include <array>

#include "core/error.h"
#include "core/path.h"
#include "core/text.h"

namespace imgstrip {
namespace {

constexpr std::array<std::string_view, 8> kWritablePlaces = {
    "/var/log/", "/run/",     "/var/run/",   "/tmp/",
    "/var/tmp/", "/var/lib/", "/var/cache/", "/var/spool/"};

bool ends_path(char c) {
  return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ';' || c == ',' || c == ')' ||
         c == '(' || c == '=' || c == '<' || c == '>' || c == '\r' || c == '{' || c == '}';
}

bool plain(std::string_view p) {
  return p.find_first_of("$*?[%`~\\") == std::string_view::npos &&
         p.find("/../") == std::string_view::npos && !p.ends_with("/..");
}

}  // namespace

std::vector<WrittenPlace> config_writes(std::string_view text, std::string_view file) {
  std::vector<WrittenPlace> out;
  for_each_line(text, [&](std::string_view line, size_t line_no) {
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#' || line[first] == ';') return;
    for (size_t i = first; i < line.size(); ++i) {
      if (line[i] != '/' || (i > 0 && !ends_path(line[i - 1]))) continue;
      size_t end = i;
      while (end < line.size() && !ends_path(line[end]))
        ++end;
      std::string_view p = line.substr(i, end - i);
      i = end;
      bool place = false;
      for (std::string_view w : kWritablePlaces)
        place = place || p.starts_with(w);
      if (!place || !plain(p)) continue;
      std::string rel;
      try {
        rel = FileTree::normalize(p);  // "." parts gone; ".." refused
      } catch (const Error&) {
        continue;
      }
      out.push_back({rel, fmt::format("{} line {} names /{}", file, line_no, rel), rel});
    }
  });
  return out;
}

std::vector<WrittenPlace> config_writes(const FileTree& tree,
                                        const std::vector<std::string>& kept) {
  std::vector<WrittenPlace> out;
  for (const std::string& path : kept) {
    if (!path.starts_with("etc/")) continue;
    const Entry* e = tree.find(path);
    if (e == nullptr || e->type != FileType::Regular || e->size == 0 || e->size > (1u << 20)) {
      continue;
    }
    std::string text;
    try {
      text = tree.read(*e, 1u << 20);
    } catch (const Error&) {
      continue;  // contents not stored
    }
    if (text.find('\0') != std::string::npos) continue;
    for (WrittenPlace& w : config_writes(text, "/" + path)) {
      // The place: the path itself when it is a directory, else its directory.
      auto real = tree.lookup(w.file, true);
      std::string where = real ? real->path : w.file;
      bool dir = real && real->entry != nullptr && real->entry->type == FileType::Directory;
      if (!dir) {
        size_t slash = where.rfind('/');
        where = slash == std::string::npos ? "" : where.substr(0, slash);
      }
      // /var or the root would make everything writable: a file directly in them is left to
      // --writable.
      if (where.empty() || where == "var") continue;
      w.path = where;
      out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace imgstrip
