// What the resolver's rules share while they run to a fixpoint: the image, the user's
// request, the KeepSet they all add to, the package selection, the ELF closure, and the
// few facts one rule learns for another (which files are configuration, whether iconv is
// used). Helpers here are the operations more than one rule needs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "elf/closure.h"
#include "fs/tree.h"
#include "oci/config.h"
#include "pkgdb/database.h"
#include "resolve/findings.h"
#include "resolve/iconv_use.h"
#include "resolve/keep_set.h"
#include "resolve/package_db_files.h"
#include "resolve/package_selection.h"
#include "resolve/request.h"
#include "resolve/text_scan.h"

namespace imgstrip {

inline constexpr size_t kTextLimit = size_t{1} << 20;  // text files larger are not scanned

class ResolveContext {
 public:
  ResolveContext(const FileTree& tree, const ImageConfig& config, const StripRequest& request);

  const FileTree& tree;
  const ImageConfig& config;
  const StripRequest& request;
  KeepSet keep;
  std::shared_ptr<const PackageDb> db;  // null when the image has none
  std::optional<PackageSelection> selection;
  std::string package_db;  // "dpkg", "rpm", "apk" or empty
  ElfClosure closure;
  std::vector<std::string> path_dirs;  // the image's PATH, without leading '/'
  std::string working_dir;             // the config's WorkingDir, without leading '/'
  bool keep_locales = false;

  std::vector<std::string> notes;
  std::vector<std::string> missing;
  std::vector<GeneratedFile> generated;

  // Facts rules learn for one another.
  std::set<std::string> config_files;  // real paths scanned as configuration when kept
  std::set<std::string> named_files;   // real paths a kept text names (not a directory above)
  std::set<std::string> named_leaves;  // NAME of "$dir/NAME" words in scanned scripts
  bool uses_iconv = false;             // a kept ELF object hands iconv_open any charset
  // Kept objects whose iconv_open takes only the locale's charset (iconv_use.h).
  std::vector<std::pair<std::string, IconvUse>> locale_iconv;
  bool ldconf_used = false;  // a library is found only through ld.so.conf
  // True for a file that a rule keeps when something uses it (Rule::on_demand of all rules).
  std::function<bool(const Entry&)> on_demand;
  // True for an optional part of a kept package (Rule::optional of all rules).
  std::function<bool(const Entry&)> optional;
  // The optional files the package rule left out, with the reason they would have had.
  struct LeftOut {
    std::string path;  // real path
    Reason reason;
  };
  std::vector<LeftOut> left_out;

  // -r: the path or one of its parents matches an exclude glob.
  bool excluded(const std::string& path) const;
  // Documentation and translations, dropped from kept packages and directories.
  bool skipped_in_package(const std::string& path) const;
  // The package owning `path` (symlinks followed) joins the selection as if named, with
  // `why`. by_name: an unowned file counts as the one package that ships its base name.
  void pull_owner(const std::string& path, const std::string& why, const std::string& from,
                  bool by_name = false);
  // An absolute path or glob found in a kept file (from; empty for the image config):
  // files kept and remembered as configuration, directories kept whole unless broad.
  void keep_reference(const std::string& from, const TextRef& ref, ReasonKind kind);
  // What a language rule found in `from`: kept with `kind`, notes added.
  void keep_findings(const std::string& from, const Findings& found, ReasonKind kind);
  // Bounded: false once too many text files were scanned (noted once).
  bool take_text_scan();

 private:
  size_t text_scans_ = 0;
  std::map<std::string, std::set<const Package*>> by_basename_;  // file name -> packages
};

// Directories too general to keep whole because a file mentions them (usr/lib, etc...).
bool broad_dir(std::string_view dir);
// Files kept with their package but never scanned: init systems, cron, account files.
bool init_system_file(std::string_view path);

}  // namespace imgstrip
