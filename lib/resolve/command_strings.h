// The commands a compiled program names as whole strings ("mariadb-check",
// "/usr/bin/my_print_defaults"): programs that run a sibling command by name, found
// without running them. Only whole NUL-terminated strings count; a command's name inside
// a message ("run mariadb-upgrade to fix it") does not.
#pragma once

#include <set>
#include <string>

#include "fs/tree.h"

namespace imgstrip {

// The names the file `e` holds: a name of `names` as a string of its own or as the last
// component of a path string, a name of `path_names` only as the last component of a path
// ("/usr/bin/mysqlhotcopy", where a bare "mysqlhotcopy" is a credits line). Reads the
// whole file once, in blocks.
std::set<std::string> command_names_in(const FileTree& tree, const Entry& e,
                                       const std::set<std::string>& names,
                                       const std::set<std::string>& path_names = {});

}  // namespace imgstrip
