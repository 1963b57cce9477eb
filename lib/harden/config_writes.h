// What configuration files say a program writes: log, pid, socket and state files named
// by absolute path in a kept file under /etc (`error_log = /var/log/php8.2-fpm.log`,
// `pid /run/nginx.pid`). Only paths in the places meant for writing count (/var/log,
// /run, /var/run, /tmp, /var/tmp, /var/lib, /var/cache, /var/spool); their directory must
// be writable under a read-only root.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"
#include "harden/script_writes.h"

namespace imgstrip {

// The writes one configuration file's text names (`file` names it in `why`); comment
// lines ('#' or ';' first) are skipped.
std::vector<WrittenPlace> config_writes(std::string_view text, std::string_view file);

// config_writes() of each kept regular file under etc/ (up to 1 MiB, text only), with the
// paths resolved through the tree's symlinks; a path that is a directory in the tree is
// itself the place, any other its parent.
std::vector<WrittenPlace> config_writes(const FileTree& tree, const std::vector<std::string>& kept);

}  // namespace imgstrip
