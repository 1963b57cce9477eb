// What the image's own shell scripts write outside the usual writable directories: an
// entrypoint that renders a configuration file (`sed ... > /etc/nginx/sites-enabled/x`),
// creates a directory (`mkdir -p /var/lib/app`) or changes an owner (`chown app /srv/x`)
// fails under a read-only root unless that place is mounted writable. Only literal
// absolute paths count (a `$VAR/...` path is the variable's business); reading a script is
// an over-approximation (a branch never taken counts too), which only mounts more.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"

namespace imgstrip {

struct WrittenPlace {
  std::string path;  // relative, no leading '/': the directory that must be writable
  std::string why;   // "/docker-entrypoint.sh line 5 writes /etc/nginx/sites-enabled/default"
  std::string file;  // the file written, when it is a file ("etc/nginx/sites-enabled/default")
};

// The writes of one shell script's text: for a file written, moved or removed (>, >>,
// tee, sed -i, cp, mv, install, ln, touch, rm) its directory; for a directory made or
// changed (mkdir, chown, chgrp, chmod) the directory itself. `script` names it in `why`.
// /dev, /proc and /sys are left out.
std::vector<WrittenPlace> script_writes(std::string_view text, std::string_view script);

// script_writes() of each of `scripts` (paths in `tree`) that is a shell script (#! of sh,
// bash, dash, ash, ksh or zsh), read up to 1 MiB; paths resolved through the tree's
// symlinks (a write to sites-enabled/default, a link to ../sites-available/default, needs
// sites-available writable).
std::vector<WrittenPlace> script_writes(const FileTree& tree,
                                        const std::vector<std::string>& scripts);

}  // namespace imgstrip
