// apk's database of installed packages, lib/apk/db/installed (Alpine, Wolfi, Chainguard):
// one "K:value" line per field, a blank line between packages.
#pragma once

#include <string_view>
#include <vector>

#include "core/rootfs.h"
#include "pkgdb/package.h"

namespace imgstrip {

// Parses the installed-database text; `file` names it in errors ("...:12: ...").
// Dependencies `!name` (conflicts) are left out; apk has no conffile list, so conffiles
// stay empty. Directories (F:) are listed in files as well as the files in them (R:).
std::vector<Package> parse_apk_installed(std::string_view text, std::string_view file);

// Reads lib/apk/db/installed; empty when the image has none.
std::vector<Package> read_apk(const RootFs& root);

}  // namespace imgstrip
