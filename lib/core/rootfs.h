// Read access to an image's file system by paths relative to its root, with symlinks
// resolved inside that root (as in a chroot). The package-database readers and the ELF
// loader search work on this, so they run alike on a flattened image (FileTree) and on a
// directory (tests, chroot trees).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

class RootFs {
 public:
  virtual ~RootFs() = default;
  // The path with every symlink resolved inside the root, normalised ("usr/lib/x", no
  // leading '/'); nullopt when it does not exist (or on a symlink loop).
  virtual std::optional<std::string> resolve(std::string_view path) const = 0;
  // The contents of the regular file at `path` (symlinks followed); nullopt when absent or
  // not a regular file. Throws Error when it is larger than `limit`.
  virtual std::optional<std::string> read(std::string_view path, size_t limit) const = 0;
  // The first `n` bytes (fewer when the file is shorter) of the regular file at `path`;
  // nullopt as for read(). Headers are checked without reading whole files.
  virtual std::optional<std::string> read_head(std::string_view path, size_t n) const = 0;
  // The names in the directory at `path` (symlinks followed), sorted; empty when it is not
  // a directory.
  virtual std::vector<std::string> list(std::string_view path) const = 0;
  // A name for the bytes of the regular file at `path` that is the same wherever the same
  // bytes are found again and never names other bytes (a flattened image: the layers up to
  // the one that wrote it, and its path), so a cache can skip reading and hashing it;
  // nullopt when there is none.
  virtual std::optional<std::string> content_key(std::string_view path) const {
    (void)path;
    return std::nullopt;
  }
};

// A directory of the host used as a root; nothing outside it is ever read.
class DirRootFs : public RootFs {
 public:
  explicit DirRootFs(std::filesystem::path root);
  std::optional<std::string> resolve(std::string_view path) const override;
  std::optional<std::string> read(std::string_view path, size_t limit) const override;
  std::optional<std::string> read_head(std::string_view path, size_t n) const override;
  std::vector<std::string> list(std::string_view path) const override;

 private:
  // The host path of the regular file at `path` (symlinks resolved inside the root).
  std::optional<std::filesystem::path> regular_file(std::string_view path) const;
  std::filesystem::path root_;
};

}  // namespace imgstrip
