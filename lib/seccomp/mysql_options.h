// Whether a text sets a MariaDB/MySQL server option, read the way the server's option
// parser (my_getopt) would take it from a my.cnf line ("chroot = /srv", "loose-chroot=x")
// or from a command line or script ("--chroot=/srv", "--loose_chroot /srv"): '-' and '_'
// are the same, case does not matter, and an option may be abbreviated to any prefix that
// names no other option, so every prefix down to `shortest` counts ("--chr=/srv"). An
// option is a word starting with "--" anywhere, or a line's first word (any file can be an
// option file: --defaults-file). Comment lines (# and ;) configure nothing. A line that
// starts with the chroot command counts too: never the reverse.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "seccomp/config_gate.h"

namespace imgstrip {

std::optional<ConfigLine> mysql_option_on(std::string_view text, std::string_view option,
                                          size_t shortest);

// The server's --chroot (mysqld.cc: set_root() calls chroot(2) only with it); "chr" is the
// shortest prefix no other option of mariadbd starts with ("character-set-...", "check-...").
std::optional<ConfigLine> mysql_chroot_on(std::string_view text);

}  // namespace imgstrip
