// The resolver: decides, from the flattened image alone (nothing is executed, nothing of
// the host is read), which paths a stripped image keeps, and why.
//
//  1. Packages (-p, by name or virtual name) and their dependencies by the --deps rules
//     (package_selection.h); documentation dropped unless keep_docs, translations
//     (usr/share/locale) unless keep_locales or the image's LANG/LC_ALL asks for a language.
//     Directories a kept package owns are kept as directories even when their files are
//     not (var/log/nginx). A symlink of a named package whose target another package owns
//     pulls that package in as if named (python3-minimal's /usr/bin/python3).
//  2. -f paths and globs, whole directories.
//  3. The config's Entrypoint and Cmd through the image's PATH (argv[0], absolute paths
//     among the arguments, and `sh -c` strings scanned as scripts); the package owning the
//     program is kept as if named (unless it is a shell or env).
//  4. Until nothing new is kept:
//     - scripts: the #! interpreter (`env NAME` through PATH), and for shell scripts every
//       word that is a command in PATH and every absolute path that exists;
//     - configuration (text under etc/, conffiles of kept packages, files they refer to):
//       absolute paths and globs that exist, kept and scanned in turn (bounded);
//     - entries no package owns in directories owned only by kept packages (php's
//       conf.d/*.ini symlinks made by postinst); the package owning a symlink's target is
//       pulled in as if named;
//     - the ELF closure (lib/elf) of every kept ELF object, PT_INTERP and DT_NEEDED with the
//       loader's search rules, symlink chains kept as links;
//     - essentials (request.h): passwd/group, nsswitch.conf and its NSS modules, CA
//       certificates and openssl.cnf with a TLS library, the configured time zone, gconv
//       modules when iconv_open is imported, tmp/run dirs, os-release.
//  5. -r globs remove, and win over every rule (a removed path pulls nothing in).
//  6. /etc/ld.so.cache is dropped: every kept library is found by the loader's own search
//     (default directories); it is kept only when a library was found through an
//     ld.so.conf directory, where glibc needs the cache (a stale entry for a removed
//     library makes glibc fall back to its normal search, so the old cache stays correct).
//  7. The package database is written back for the kept packages (package_db_files.h).
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
