// The explanation of a strip, for `--report FILE` and `imgstrip why`: every kept path with
// its reasons, every removed path, the kept packages with their sizes before and after,
// the dependencies not followed (which -p to add), what was not found, and notes.
#pragma once

#include <string>
#include <string_view>

#include "oci/manifest.h"
#include "resolve/resolver.h"

namespace imgstrip {

// {
//   "summary": {"files_before", "bytes_before", "files_after", "bytes_after", "removed",
//               "package_db"},
//   "kept": [{"path": "/usr/sbin/nginx", "type": "file", "reasons": [{"kind": "package",
//             "detail": "package nginx-light", "from": ""}]}, ...],
//   "removed": ["/usr/share/doc/...", ...],
//   "generated": [{"path": "/var/lib/dpkg/status", "size": 1234, "why": "..."}],
//   "packages": [{"name", "kept", "reason", "files_before", "bytes_before", "files_after",
//                 "bytes_after"}],
//   "not_followed": [{"package", "dependency", "why"}],
//   "missing": [...], "notes": [...]
// }
Json report_json(const Resolution& resolution, const FileTree& tree);

// The chain for one path, one step a line ("/usr/lib/x/libsqlite3.so.0: DT_NEEDED of ...");
// "PATH is not kept" (with the exclusion when -r removed it) otherwise.
std::string why_text(const Resolution& resolution, std::string_view path);

}  // namespace imgstrip
