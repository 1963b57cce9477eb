// The kept packages' database entries, written back so that vulnerability scanners still
// recognise the OS and its packages: dpkg's status listing only the kept packages and their
// info/*.list trimmed to the kept files; apk's installed file trimmed to the kept
// packages and files; rpm's rpmdb.sqlite trimmed to the kept packages (a Berkeley DB
// Packages file is kept as it is, noted).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "fs/tree.h"
#include "pkgdb/database.h"

namespace imgstrip {

// A file the stripper writes instead of the tree's (or in addition to it).
struct GeneratedFile {
  Entry entry;           // path, type and metadata; size is set from contents
  std::string contents;  // regular files
  std::string why;       // "dpkg status of the kept packages"
};

struct PackageDbFiles {
  std::vector<GeneratedFile> generated;
  std::vector<std::string> keep;  // existing paths to keep as they are (md5sums, rpmdb...)
  std::vector<std::string> notes;
};

// `is_kept` takes a path as the package lists it (no leading '/') and tells whether the
// stripped image has it.
PackageDbFiles package_db_files(const FileTree& tree, const PackageDb& db,
                                const std::vector<const Package*>& kept,
                                const std::function<bool(const std::string&)>& is_kept);

// `tree` with `files` inserted (replacing entries at the same paths); contents go to the
// tree's content store (a new one when the tree has none).
FileTree with_generated(FileTree tree, const std::vector<GeneratedFile>& files);

}  // namespace imgstrip
