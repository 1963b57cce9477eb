// Writes a selection of a FileTree as one layer tar, compressed with gzip (default) or
// zstd, computing the layer's digest (compressed) and diff_id (uncompressed) in the same
// pass. Output is deterministic: entries sorted, no host-specific data, and with a
// timestamp given, every mtime clamped to it (SOURCE_DATE_EPOCH semantics).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "fs/tree.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace imgstrip {

struct LayerOptions {
  media::Compression compression = media::Compression::Gzip;
  int level = -1;                    // -1: gzip 6, zstd 3
  std::optional<int64_t> timestamp;  // clamp mtimes to this (seconds since the epoch)
};

struct WrittenLayer {
  std::filesystem::path path;  // the compressed blob
  Descriptor descriptor;       // OCI layer media type, digest and size of the blob
  Digest diff_id;              // sha256 of the uncompressed tar
  uint64_t uncompressed_size = 0;
  size_t entries = 0;
};

// Writes `paths` (entries of `tree`; their parent directories are added with their
// metadata from the tree, or as root-owned 0755 directories when the tree lacks them).
// Hard links among the selection stay hard links; a hard-link group whose first member
// is not selected is written with the contents at the first selected member.
WrittenLayer write_layer(const FileTree& tree, const std::set<std::string>& paths,
                         const std::filesystem::path& out, const LayerOptions& options = {});

// SOURCE_DATE_EPOCH from the environment, if set and valid.
std::optional<int64_t> source_date_epoch();

}  // namespace imgstrip
