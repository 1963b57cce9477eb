#include "elf/symlink_chain.h"

#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "core/path.h"
#include "elf/ld_so_conf.h"

namespace imgstrip {
namespace {

constexpr int kMaxLinks = 40;

std::vector<SymlinkHop> chain_with_readlink(std::string_view path, const ReadLink& readlink) {
  std::vector<SymlinkHop> hops;
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
    std::string here = join_components(done);
    auto target = readlink(here);
    if (!target) continue;
    if (++links > kMaxLinks) break;
    hops.push_back({here, *target});
    done.pop_back();
    if (!target->empty() && target->front() == '/') done.clear();
    auto more = path_components(*target);
    for (auto it = more.rbegin(); it != more.rend(); ++it)
      todo.push_back(*it);
  }
  return hops;
}

std::vector<SymlinkHop> chain_by_resolving(const RootFs& fs, std::string_view path) {
  std::vector<SymlinkHop> hops;
  std::string base;  // resolved so far
  for (auto& part : path_components(path)) {
    std::string lexical =
        part == ".." ? lexical_normal(base + "/..") : (base.empty() ? part : base + "/" + part);
    auto real = fs.resolve(lexical);
    if (!real) break;
    if (*real != lexical && part != "..") hops.push_back({lexical, "/" + *real});
    base = *real;
  }
  return hops;
}

}  // namespace

ReadLink dir_readlink(std::filesystem::path root) {
  return [root = std::move(root)](std::string_view path) -> std::optional<std::string> {
    std::filesystem::path host = root / std::string(path);
    struct stat st {};
    if (::lstat(host.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return std::nullopt;
    std::error_code ec;
    auto target = std::filesystem::read_symlink(host, ec);
    if (ec) return std::nullopt;
    return target.string();
  };
}

std::vector<SymlinkHop> symlink_chain(const RootFs& fs, std::string_view path,
                                      const ReadLink& readlink) {
  if (readlink) return chain_with_readlink(path, readlink);
  return chain_by_resolving(fs, path);
}

}  // namespace imgstrip
