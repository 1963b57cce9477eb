// The set of paths a stripped image keeps, each with the reasons it is kept. Adding a path
// also keeps what it needs to be reachable in the tree: the symlinks on its way (lib ->
// usr/lib), its parent directories, and, for a symlink, its target (recursively).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"

namespace imgstrip {

enum class ReasonKind {
  Package,        // a file of a kept package
  File,           // -f
  Entrypoint,     // the image config's Entrypoint / Cmd
  Interpreter,    // #! line of a kept script
  Command,        // a word of a kept shell script that is a command in PATH
  Needed,         // DT_NEEDED (and glibc-hwcaps variants)
  Interp,         // PT_INTERP
  Dlopen,         // a library loaded with dlopen (NSS modules, gconv modules)
  ConfigRef,      // an absolute path or glob in a kept configuration file or script
  Essential,      // passwd, NSS, CA certificates, time zone, tmp dirs...
  SymlinkTarget,  // the target of a kept symlink
  Symlink,        // a symlink on the way to a kept path
  Parent,         // the parent directory of a kept path
  UnownedEntry,   // an entry no package owns, in a directory of kept packages
  Generated,      // written by the stripper (trimmed package database)
  Application,    // the application's own files (WORKDIR, /app, /opt/NAME...)
  Import,         // a module a kept source imports (Python, Node, Java class path)
};

std::string_view reason_kind_name(ReasonKind kind);

struct Reason {
  ReasonKind kind = ReasonKind::File;
  std::string detail;  // "package nginx-common", "DT_NEEDED of /usr/sbin/nginx"
  std::string from;    // the kept path that caused this one (no leading '/'); empty for a
                       // request of the user or the image config

  std::string text() const;  // "DT_NEEDED of /usr/sbin/nginx"
};

class KeepSet {
 public:
  KeepSet() = default;
  // `tree` must outlive every call to add(); queries do not use it.
  explicit KeepSet(const FileTree& tree) : tree_(&tree) {}

  // Paths matching `excluded` (given without leading '/') are never kept; they are
  // recorded in excluded_hits().
  void set_exclude(std::function<bool(const std::string&)> excluded) {
    excluded_ = std::move(excluded);
  }

  // Keeps the entry at `path` (its last component not followed) with `reason`, plus the
  // symlinks on its way, its parents and, for a symlink, the target. Returns false when
  // the path does not exist in the tree or is excluded. A path given through a symlinked
  // directory ("lib/x.so" with lib -> usr/lib) is kept at its real place.
  bool add(std::string_view path, const Reason& reason);
  // As add(), and for a directory everything below it, each with `reason`. Entries for
  // which `skip` (path without '/') is true are left out (not below the top).
  size_t add_tree(std::string_view path, const Reason& reason,
                  const std::function<bool(const std::string&)>& skip = nullptr);
  // Records a path without looking at a tree (generated files).
  void add_raw(const std::string& path, const Reason& reason);

  bool contains(std::string_view path) const { return reasons_.count(path) != 0; }
  // The reasons of a kept path (exact, normalised); empty when not kept.
  const std::vector<Reason>& reasons(std::string_view path) const;
  // The chain back to a request: "path: reason" lines, starting with `path`.
  std::vector<std::string> why(std::string_view path) const;

  const std::map<std::string, std::vector<Reason>, std::less<>>& entries() const {
    return reasons_;
  }
  // Paths in the order they were first kept (so a caller can process new ones).
  const std::vector<std::string>& order() const { return order_; }
  size_t size() const { return reasons_.size(); }
  std::set<std::string> paths() const;
  const std::set<std::string>& excluded_hits() const { return excluded_hits_; }

 private:
  bool add_one(const std::string& path, const Reason& reason);
  bool add_at(std::string_view path, const Reason& reason, int depth);

  const FileTree* tree_ = nullptr;
  std::function<bool(const std::string&)> excluded_;
  std::map<std::string, std::vector<Reason>, std::less<>> reasons_;
  std::vector<std::string> order_;
  std::set<std::string> excluded_hits_;
};

// "/" + path, for messages.
std::string abs_path(std::string_view path);

}  // namespace imgstrip
