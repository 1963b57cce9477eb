#include "resolve/openssl_dirs.h"

#include <algorithm>

namespace imgstrip {

namespace {

constexpr size_t kMaxPath = 4096;
constexpr size_t kMaxDirs = 8;

bool module_dir_name(std::string_view name) {
  if (name == "ossl-modules") return true;
  if (!name.starts_with("engines-") || name.size() == 8) return false;
  return std::all_of(name.begin() + 8, name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// A path a C string can hold: printable, no spaces, absolute, no empty or dot components.
bool plain_path(std::string_view s) {
  if (s.size() < 2 || s.front() != '/' || s.back() == '/') return false;
  for (char c : s)
    if (c <= ' ' || c > '~' || c == '"' || c == '\\') return false;
  return s.find("//") == std::string_view::npos && s.find("/./") == std::string_view::npos &&
         s.find("/../") == std::string_view::npos;
}

}  // namespace

std::vector<std::string> openssl_module_dirs(std::string_view data) {
  std::vector<std::string> out;
  for (std::string_view needle :
       {std::string_view("/engines-"), std::string_view("/ossl-modules")}) {
    for (size_t at = data.find(needle); at != std::string_view::npos && out.size() < kMaxDirs;
         at = data.find(needle, at + 1)) {
      size_t end = data.find('\0', at);
      if (end == std::string_view::npos || end - at > kMaxPath) continue;
      size_t start = at;
      while (start > 0 && data[start - 1] != '\0' && at - start < kMaxPath)
        --start;
      std::string_view s = data.substr(start, end - start);
      if (!plain_path(s) || !module_dir_name(s.substr(s.rfind('/') + 1))) continue;
      out.emplace_back(s);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace imgstrip
