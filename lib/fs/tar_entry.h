// One tar entry read by libarchive, turned into an Entry with its path checked: ".."
// parts, over-long paths and absurd sizes are errors; absolute paths are made relative.
#pragma once

#include <string>
#include <string_view>

#include "fs/flatten.h"
#include "fs/tree.h"

struct archive_entry;

namespace imgstrip {

struct TarEntry {
  Entry entry;           // path normalised; content not set
  std::string raw_path;  // as written in the archive, for messages
  bool absolute = false;
  bool hardlink = false;
  std::string hardlink_target;  // normalised
  bool hardlink_absolute = false;
};

// `layer` names the archive in errors.
TarEntry read_tar_entry(archive_entry* ae, const FlattenOptions& options, std::string_view layer);

}  // namespace imgstrip
