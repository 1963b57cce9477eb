// The resolver: decides, from the flattened image alone (nothing is executed, nothing of
// the host is read), which paths a stripped image keeps, and why.
//
// It is a set of rules (rules.h), each one reason for keeping paths, run to a fixpoint over
// one KeepSet: every rule starts (the user's -p/-f, the image config), then every newly
// kept file is offered to every rule and each rule works a round, until nothing new is
// kept; then the rules finish (the loader cache, the package database written back).
//   packages     -p and their Depends by the --deps rules (package_selection.h); files of
//                a package reached only through Depends that another rule keeps on demand
//                (commands, modules) wait until something uses them
//   files        -f paths and globs, whole directories
//   entrypoint   Entrypoint and Cmd through the image's PATH, their file arguments
//   application  what no package owns in the working directory, /app, /srv/*, /opt/*...
//   scripts      #! interpreters; the commands and paths of shell scripts
//   config       absolute paths and globs in configuration files, kept and read in turn
//   elf          the ELF closure with the loader's search rules; /etc/ld.so.cache
//   essentials   passwd, NSS modules, CA certificates, time zone, gconv, tmp dirs...
//   package-db   the kept packages' database entries, written back trimmed
// -r globs remove, and win over every rule (a removed path pulls nothing in).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fs/tree.h"
#include "oci/config.h"
#include "resolve/keep_set.h"
#include "resolve/package_db_files.h"
#include "resolve/package_selection.h"
#include "resolve/request.h"

namespace imgstrip {

struct PackageSize {
  std::string name;
  bool kept = false;
  std::string reason;                           // why the package is kept; empty when it is not
  uint64_t files_before = 0, bytes_before = 0;  // regular files it owns in the image
  uint64_t files_after = 0, bytes_after = 0;    // of those, kept
};

struct Resolution {
  KeepSet keep;                                 // every kept path with its reasons
  std::vector<std::string> removed;             // every path of the tree not kept, sorted
  std::vector<KeptPackage> packages;            // kept packages, in the order they were added
  std::vector<PackageSize> package_sizes;       // every package of the image, by name
  std::vector<SkippedDependency> not_followed;  // Depends of kept packages not followed
  std::vector<GeneratedFile> generated;         // files to write instead of the tree's
  std::vector<std::string> missing;             // ELF libraries / commands not found
  std::vector<std::string> notes;               // decisions worth telling the user
  uint64_t files_before = 0, bytes_before = 0;  // regular files of the image
  uint64_t files_after = 0, bytes_after = 0;    // regular files kept
  std::string package_db;                       // "dpkg", "rpm", "apk" or empty
  // The image's package database, which `packages` point into; null when it has none.
  std::shared_ptr<const PackageDb> database;

  // The paths to write: kept paths plus generated ones.
  std::set<std::string> paths() const;
};

Resolution resolve(const FileTree& tree, const ImageConfig& config, const StripRequest& request);

// The tree to write the stripped image from: `tree` with the resolution's generated files.
FileTree stripped_tree(FileTree tree, const Resolution& resolution);

}  // namespace imgstrip
