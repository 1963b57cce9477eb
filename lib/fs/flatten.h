// Flattening: applies layers in order (tar, tar+gzip, tar+zstd, detected by content) to a
// FileTree, with OCI whiteouts (.wh.NAME), opaque directories (.wh..wh..opq), hard links
// and symlinks. Hostile entries are rejected with an Error naming the layer and entry, or
// neutralised with a warning recorded in the tree.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/stream.h"
#include "fs/tree.h"
#include "image/image.h"
#include "image/source.h"

namespace imgstrip {

struct FlattenOptions {
  bool keep_contents = true;                    // spool file contents for later reading
  std::filesystem::path spool_dir;              // where the spool file goes (default TMPDIR)
  uint64_t max_file_size = uint64_t{64} << 30;  // a larger entry is rejected as absurd
  uint64_t max_entries = 20'000'000;
  uint64_t max_path_length = 4096;
};

class Flattener {
 public:
  explicit Flattener(FlattenOptions options = {});
  // Applies the next layer; `name` identifies it in errors ("layer 2 (sha256:...)").
  // Reads `layer` to its end (so a verifying stream checks its digest). After an Error
  // the tree is incomplete and the Flattener should be dropped. `digest` is the digest the
  // stream was verified against ("sha256:..."); with it, the tree can name the contents
  // of its files by layer (FileTree::content_key). Empty: unknown, for this layer and
  // every later one.
  void apply(ReadStream& layer, std::string_view name, std::string_view digest = {});
  // The merged tree; the Flattener is spent afterwards.
  FileTree finish();

 private:
  FlattenOptions options_;
  FileTree tree_;
  uint16_t next_layer_ = 0;
  uint64_t next_inode_ = 1;
  uint64_t entries_seen_ = 0;  // tar entries read over all layers, against max_entries
  std::string chain_;          // digest of the layer digests so far; empty: unknown
  bool chain_broken_ = false;
};

// Flattens every layer of an image read from `source`, verifying each blob's digest.
FileTree flatten_image(ImageSource& source, const Image& image, const FlattenOptions& options = {});

}  // namespace imgstrip
