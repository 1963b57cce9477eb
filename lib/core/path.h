// Slash-separated paths inside an image's root, taken apart and put back together.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

// The components of `path`: empty ones and "." dropped, ".." kept ("/a//./b/../c" ->
// a, b, .., c).
std::vector<std::string> path_components(std::string_view path);

// The components joined with '/', no leading slash.
std::string join_components(const std::vector<std::string>& parts);

// `path` without leading and trailing slashes ("/var/log/" -> "var/log").
std::string strip_slashes(std::string_view path);

}  // namespace imgstrip
