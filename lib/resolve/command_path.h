// Finding commands in an image as execvp(3) would, through the image's PATH.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"
#include "oci/config.h"

namespace imgstrip {

inline constexpr std::string_view kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A file directly in one of the standard command directories (bin, usr/sbin, ...), path
// without leading '/'.
bool command_dir(std::string_view path);

// The directories of the config's PATH (the default when it sets none), without leading '/'.
std::vector<std::string> image_path_dirs(const ImageConfig& config);

// Where `name` runs from: a name with '/' is a path (relative ones from `working_dir`); a
// bare name is looked up in `dirs`, the first executable regular file (symlinks followed)
// wins. The path comes back as found (it may pass through symlinks), without leading '/'.
std::optional<std::string> find_command(const FileTree& tree, std::string_view name,
                                        const std::vector<std::string>& dirs,
                                        std::string_view working_dir = "");

}  // namespace imgstrip
