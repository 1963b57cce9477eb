// The symlinks passed on the way from a path to the file it names, so that a caller that
// keeps the file can keep the links as links (libfoo.so.1 -> libfoo.so.1.2.3, lib -> usr/lib).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rootfs.h"

namespace imgstrip {

// The target of the symlink at `path` (relative to the root, no symlinks in its parent) as
// written; nullopt when `path` is not a symlink. RootFs cannot tell this, so the caller
// supplies it (FileTree: Entry::link; a directory: dir_readlink()).
using ReadLink = std::function<std::optional<std::string>(std::string_view path)>;

// ReadLink for a host directory used as a root (DirRootFs).
ReadLink dir_readlink(std::filesystem::path root);

struct SymlinkHop {
  std::string path;    // the symlink, relative to the root, its parents free of symlinks
  std::string target;  // as written when a ReadLink was given; else "/" + the resolved path
};

// Every symlink followed while resolving `path` inside `fs`, in order. Without `readlink`
// each hop reports where the link finally leads (intermediate links of a chain are then
// invisible); with it, every link of the chain is reported with its literal target.
std::vector<SymlinkHop> symlink_chain(const RootFs& fs, std::string_view path,
                                      const ReadLink& readlink = nullptr);

}  // namespace imgstrip
