#include "resolve/command_path.h"

#include "core/path.h"

namespace imgstrip {
namespace {

bool executable(const FileTree& tree, const std::string& path) {
  auto r = tree.lookup(path, true);
  return r && r->entry != nullptr && r->entry->type == FileType::Regular &&
         (r->entry->mode & 0111) != 0;
}

}  // namespace

bool command_dir(std::string_view path) {
  for (std::string_view dir :
       {"bin", "sbin", "usr/bin", "usr/sbin", "usr/games", "usr/local/bin", "usr/local/sbin"}) {
    if (dir_name(path) == dir) return true;
  }
  return false;
}

std::vector<std::string> image_path_dirs(const ImageConfig& config) {
  std::string path = config.env_value("PATH").value_or(std::string(kDefaultPath));
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? colon : colon - start);
    if (!dir.empty() && dir.front() == '/') dirs.push_back(strip_slashes(dir));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

std::optional<std::string> find_command(const FileTree& tree, std::string_view name,
                                        const std::vector<std::string>& dirs,
                                        std::string_view working_dir) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) {
    std::string path = name.front() == '/'
                           ? strip_slashes(name)
                           : strip_slashes(std::string(working_dir) + "/" + std::string(name));
    if (executable(tree, path)) return path;
    return std::nullopt;
  }
  for (auto& dir : dirs) {
    std::string path = dir.empty() ? std::string(name) : dir + "/" + std::string(name);
    if (executable(tree, path)) return path;
  }
  return std::nullopt;
}

}  // namespace imgstrip
