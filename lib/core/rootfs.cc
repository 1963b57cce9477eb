#include "core/rootfs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "core/error.h"
#include "core/path.h"
#include "core/stream.h"

namespace imgstrip {

DirRootFs::DirRootFs(std::filesystem::path root) : root_(std::move(root)) {}

std::optional<std::string> DirRootFs::resolve(std::string_view path) const {
  std::vector<std::string> todo = path_components(path);
  std::reverse(todo.begin(), todo.end());
  std::vector<std::string> done;
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(part);
    std::filesystem::path host = root_ / join_components(done);
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0) return std::nullopt;
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) return std::nullopt;
      std::error_code ec;
      std::string target = std::filesystem::read_symlink(host, ec).string();
      if (ec) return std::nullopt;
      done.pop_back();
      if (!target.empty() && target.front() == '/') done.clear();
      auto more = path_components(target);
      for (auto it = more.rbegin(); it != more.rend(); ++it)
        todo.push_back(*it);
    } else if (!todo.empty() && !S_ISDIR(st.st_mode)) {
      return std::nullopt;
    }
  }
  return join_components(done);
}

std::optional<std::filesystem::path> DirRootFs::regular_file(std::string_view path) const {
  auto real = resolve(path);
  if (!real) return std::nullopt;
  std::filesystem::path host = root_ / *real;
  struct stat st {};
  if (::lstat(host.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return host;
}

std::optional<std::string> DirRootFs::read(std::string_view path, size_t limit) const {
  auto host = regular_file(path);
  if (!host) return std::nullopt;
  return read_file(*host, limit);
}

std::optional<std::string> DirRootFs::read_head(std::string_view path, size_t n) const {
  auto host = regular_file(path);
  if (!host) return std::nullopt;
  FileReader in(*host);
  std::string out(n, '\0');
  size_t at = 0;
  while (at < n) {
    size_t got = in.read(out.data() + at, n - at);
    if (got == 0) break;
    at += got;
  }
  out.resize(at);
  return out;
}

std::vector<std::string> DirRootFs::list(std::string_view path) const {
  std::vector<std::string> names;
  auto real = resolve(path);
  if (!real) return names;
  std::error_code ec;
  std::filesystem::path host = real->empty() ? root_ : root_ / *real;
  if (!std::filesystem::is_directory(std::filesystem::symlink_status(host, ec))) return names;
  for (auto& e : std::filesystem::directory_iterator(host, ec)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace imgstrip
