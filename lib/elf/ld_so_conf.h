// The loader's configuration files inside an image: glibc's /etc/ld.so.conf (with its
// `include` globs), musl's /etc/ld-musl-ARCH.path, and whether /etc/ld.so.cache exists.
// Directories come back relative to the image root, without a leading '/'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/rootfs.h"

namespace imgstrip {

// The directories of /etc/ld.so.conf and the files it includes, in order, without
// duplicates. Unreadable or looping includes are skipped and described in `notes`.
std::vector<std::string> ld_so_conf_dirs(const RootFs& fs,
                                         std::vector<std::string>* notes = nullptr,
                                         std::string_view conf = "etc/ld.so.conf");

// Path names matching a glob pattern (`*`, `?`, `[...]` in any component), relative to the
// root, sorted like glob(3). A relative pattern is taken relative to `base_dir`.
std::vector<std::string> glob_in(const RootFs& fs, std::string_view pattern,
                                 std::string_view base_dir = "");

// musl's search path file for the loader `interp` (e.g. "/lib/ld-musl-x86_64.so.1" ->
// "etc/ld-musl-x86_64.path"); empty when `interp` is not a musl loader.
std::string musl_path_file(std::string_view interp);
// The directories in musl's path file (separated by newlines or colons); `found` tells
// whether the file exists (when it does not, musl uses "/lib:/usr/local/lib:/usr/lib").
std::vector<std::string> musl_path_dirs(const RootFs& fs, std::string_view interp, bool* found);

// True when the image has /etc/ld.so.cache (the caller regenerates or drops it).
bool has_ld_so_cache(const RootFs& fs);

// "a/b/../c" style normalisation without touching the file system: no leading '/', no
// "." parts, ".." applied lexically (stopping at the root).
std::string lexical_normal(std::string_view path);

}  // namespace imgstrip
