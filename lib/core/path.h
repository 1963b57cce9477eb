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

// The parent of a normalised path ("usr/lib/x" -> "usr/lib"; "" at the top) and its last
// part ("x"; the whole path when it has no slash).
std::string_view dir_name(std::string_view path);
std::string_view base_name(std::string_view path);

// Whether `path` is `dir` or below it ("usr/lib/x" is inside "usr/lib", "usr/libx" is not).
bool inside(std::string_view path, std::string_view dir);

// `path` without leading and trailing slashes ("/var/log/" -> "var/log").
std::string strip_slashes(std::string_view path);

// `rel` from `dir` with ".." applied lexically, confined to the root ("a/b" + "../c" ->
// "a/c"; an absolute `rel` starts at the root).
std::string join_path(std::string_view dir, std::string_view rel);

// `name` in `dir`, no normalisation ("usr/lib" + "x" -> "usr/lib/x"; `name` when `dir` is
// empty).
std::string child_path(std::string_view dir, std::string_view name);

// `path` without its leading slashes ("/usr/lib" -> "usr/lib").
std::string strip_leading_slashes(std::string_view path);

// A colon-separated list (PATH, PYTHONPATH, NODE_PATH...) without its empty parts.
std::vector<std::string> split_list(std::string_view text, char separator = ':');

}  // namespace imgstrip
