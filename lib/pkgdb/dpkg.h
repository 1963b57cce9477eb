// dpkg's database: var/lib/dpkg/status (or distroless var/lib/dpkg/status.d/*) and the file
// lists in var/lib/dpkg/info. Also writes a trimmed database back, so that scanners still
// recognise the packages kept in a stripped image.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/rootfs.h"
#include "pkgdb/package.h"

namespace imgstrip {

// One RFC822-style paragraph of a control file.
struct ControlStanza {
  // Field names as written, values with the first line trimmed and continuation lines kept
  // after '\n' (as dpkg stores them).
  std::vector<std::pair<std::string, std::string>> fields;
  size_t line = 0;   // 1-based line of the first field
  std::string text;  // the stanza verbatim, each line ending in '\n'

  // The value of a field (names compare case-insensitively, as in dpkg), or nullptr.
  const std::string* get(std::string_view name) const;
};

// Parses control-file text. `file` names it in errors ("var/lib/dpkg/status:12: ...").
std::vector<ControlStanza> parse_control(std::string_view text, std::string_view file);

// Parses a Depends-style field: `a (>= 1) | b:any, c`. `where` prefixes errors.
std::vector<Alternatives> parse_dpkg_depends(std::string_view field, std::string_view where);

// Which Status states count as present in the image. Included: installed,
// triggers-pending, triggers-awaited, half-configured, unpacked and half-installed (the
// package's files are, or may be, on disk, so a stripper must know who owns them).
// Excluded: not-installed and config-files (only leftover configuration, no package).
bool dpkg_state_present(std::string_view state);

// Reads every present package with its file list and conffiles. Returns an empty list when
// the image has no dpkg database. Throws Error naming the file and line on malformed input.
std::vector<Package> read_dpkg(const RootFs& root);

// The text of a var/lib/dpkg/status that lists exactly `kept`, each with its original
// stanza verbatim and a blank line after each, as dpkg writes it (a "Status: install ok
// installed" line is added to stanzas from status.d, which have none).
std::string write_dpkg_status(const std::vector<const Package*>& kept);

// The contents of var/lib/dpkg/info/NAME.list for `package` after stripping: "/." and the
// owned paths for which `is_kept` (given the path without leading '/') is true.
std::string write_dpkg_list(const Package& package,
                            const std::function<bool(const std::string&)>& is_kept);

}  // namespace imgstrip
