// The merged file system of an image: an index of every path (type, mode, owner, size,
// link target, xattrs, and where its bytes live), held in memory without the contents.
// Contents live in a ContentStore (a spool file on disk) and are read on demand.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/rootfs.h"
#include "core/stream.h"
#include "fs/content_store.h"

namespace imgstrip {

enum class FileType : uint8_t {
  Regular,
  Directory,
  Symlink,
  CharDevice,
  BlockDevice,
  Fifo,
  Socket
};

std::string_view file_type_name(FileType t);

struct Entry {
  std::string path;  // relative to the root, no leading or trailing '/'; "" is the root
  FileType type = FileType::Regular;
  uint32_t mode = 0644;  // permission bits with setuid/setgid/sticky (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string uname;  // as recorded in the tar header, may be empty
  std::string gname;
  int64_t mtime = 0;
  uint64_t size = 0;       // regular files
  std::string link;        // symlink target, as written
  uint32_t dev_major = 0;  // device nodes (kept as metadata only)
  uint32_t dev_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;  // sorted by name
  // Regular files that are hard links of one another share an inode number (> 0).
  uint64_t inode = 0;
  // Where the bytes are in the tree's content store; kNoContent when not stored.
  uint64_t content = kNoContent;
  uint16_t layer = 0;  // index of the layer that last wrote this entry
};

// A path resolved through symlinks, confined to the tree's root (as the kernel does
// inside a chroot: ".." at the root stays at the root, absolute targets start there).
struct Resolved {
  std::string path;              // the final path, no symlinks left in it
  const Entry* entry = nullptr;  // null when the final path does not exist
};

class FileTree : public RootFs {
 public:
  FileTree();
  explicit FileTree(std::shared_ptr<ContentStore> contents);

  // Exact lookup, no symlinks followed. Accepts "usr/bin/x", "/usr/bin/x", "./usr/bin/x".
  const Entry* find(std::string_view path) const;
  // Follows symlinks in every component, and in the last one when follow_last.
  // Returns nullopt on a loop (more than 40 links) or when a component is not a directory.
  std::optional<Resolved> lookup(std::string_view path, bool follow_last = true) const;

  // Every entry, sorted by path bytes (so a parent comes before its children).
  const std::map<std::string, Entry, std::less<>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // Direct children of a directory, sorted.
  std::vector<const Entry*> children(std::string_view dir) const;

  // Contents of a regular file (hard links included). Throws Error when the tree was
  // built without contents or the entry is not a regular file.
  std::unique_ptr<ReadStream> open(const Entry& e) const;
  std::string read(const Entry& e, size_t limit) const;
  // The first `n` bytes of a regular file (all of it when it is shorter), for a header or
  // the start of a file larger than a reader's limit.
  std::string read_start(const Entry& e, size_t n) const;
  bool has_contents() const { return contents_ != nullptr; }
  const std::shared_ptr<ContentStore>& contents() const { return contents_; }

  // RootFs: lets the package-database readers and the ELF search work on the image.
  std::optional<std::string> resolve(std::string_view path) const override;
  std::optional<std::string> read(std::string_view path, size_t limit) const override;
  std::optional<std::string> read_head(std::string_view path, size_t n) const override;
  std::vector<std::string> list(std::string_view path) const override;
  // For files whose bytes are still those the flattener read from the layers: the chain of
  // layer digests up to the one that wrote the file, and its path.
  std::optional<std::string> content_key(std::string_view path) const override;

  // Set by the flattener: the chain key of layer `layer` (a digest of the layer digests up
  // to it); `sealed_contents` is how many bytes of the content store came from layers.
  void set_layer_chain(uint16_t layer, std::string chain);
  void seal_layer_contents();

  // Editing, used by the flattener and by tests.
  void insert(Entry e);                // replaces an entry at the same path
  void remove(std::string_view path);  // the entry and everything below it
  // Removes everything below `dir` whose layer is lower than `layer`.
  void remove_below(std::string_view dir, uint16_t layer);

  // Problems that were neutralised (e.g. an absolute path in a tar made relative).
  std::vector<std::string> warnings;

  // The normal form of a path: no leading "/" or "./", no trailing "/", no "." parts.
  // Throws Error on ".." parts.
  static std::string normalize(std::string_view path);

 private:
  std::map<std::string, Entry, std::less<>> entries_;
  std::shared_ptr<ContentStore> contents_;
  std::vector<std::string> layer_chains_;  // by layer index; empty: unknown
  uint64_t sealed_contents_ = 0;
};

}  // namespace imgstrip
