// The ELF dependency closure of a set of root objects (executables, libraries a program
// dlopen()s): breadth-first over DT_NEEDED with the loader's search rules, PT_INTERP
// included, without running anything. Every object records why it is there, and every
// DT_NEEDED name records where it was found (with the symlinks on the way) or that it was
// not found - which is reported, not fatal.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rootfs.h"
#include "elf/loader.h"
#include "elf/symlink_chain.h"

namespace imgstrip {

struct ClosureOptions {
  LoaderEnv env;      // LD_LIBRARY_PATH of the image, $PLATFORM
  ReadLink readlink;  // optional: literal symlink targets (see symlink_chain.h)
  size_t max_file_size = size_t{2} << 30;
};

struct NeededLibrary {
  std::string name;                   // the DT_NEEDED string
  std::optional<std::string> path;    // real path (no symlinks) in the root; nullopt: not found
  std::string opened_as;              // where the loader opens it (may pass through symlinks)
  std::vector<SymlinkHop> symlinks;   // from opened_as to path
  std::string via;                    // the search rule that found it
  std::vector<std::string> variants;  // real paths of glibc-hwcaps/legacy copies, also kept
  std::vector<std::string> skipped;   // candidates rejected (wrong class/machine, not ELF)
};

struct ClosureObject {
  std::string path;                  // real path in the root, no symlinks
  std::string opened_as;             // the path it was reached by
  std::vector<SymlinkHop> symlinks;  // from opened_as to path
  std::string reason;  // "root", "DT_NEEDED of usr/sbin/nginx", "PT_INTERP of usr/bin/ls", ...
  std::optional<size_t> parent;  // index of the object that pulled this one in
  // From the object itself; empty when it could not be parsed (see error).
  std::optional<ElfAbi> abi;
  LoaderFlavor flavor = LoaderFlavor::Glibc;  // of the program it belongs to
  std::optional<std::string> interp;          // the loader: own PT_INTERP, else the program's
  std::optional<std::string> soname;
  std::optional<std::string> rpath, runpath;
  bool nodeflib = false;
  bool is_static = false;
  std::vector<NeededLibrary> needed;    // DT_NEEDED in order, then PT_INTERP (via "PT_INTERP")
  std::vector<NeededLibrary> dlopened;  // added with ElfClosure::add_dlopen
  std::string error;                    // why it could not be read as ELF; empty when fine
  std::vector<std::string> notes;       // problems skipped while parsing
};

class ElfClosure {
 public:
  explicit ElfClosure(const RootFs& fs, ClosureOptions options = {});

  // Adds an object to start from; `reason` says why ("root", "dlopen by usr/bin/php").
  // A path that does not exist is recorded in missing_roots().
  void add_root(std::string_view path, std::string reason = "root");
  // Adds a library the program at `by` loads with dlopen(name): searched with `by`'s
  // rules (its RUNPATH, the image's defaults). Returns false when not found.
  bool add_dlopen(std::string_view name, std::string_view by);
  // Breadth-first until every DT_NEEDED of every object is resolved or reported missing.
  // May be called again after more roots were added.
  void resolve();

  const std::vector<ClosureObject>& objects() const { return objects_; }
  const ClosureObject* find(std::string_view real_path) const;
  // "usr/lib/x/libssl.so.3 <- DT_NEEDED of usr/bin/curl <- root"
  std::string reason_chain(size_t index) const;

  struct Missing {
    std::string name;  // DT_NEEDED name, or a root/interpreter path
    size_t needed_by;  // index into objects(); SIZE_MAX for a missing root
    std::string reason;
  };
  std::vector<Missing> missing() const;
  const std::vector<std::string>& missing_roots() const { return missing_roots_; }

  // Everything a caller keeps: the real path of every object and every symlink on the
  // way to it (the link paths themselves), sorted and unique.
  std::vector<std::string> paths() const;
  std::vector<SymlinkHop> symlinks() const;

 private:
  std::optional<size_t> add_object(std::string_view opened_as, std::string reason,
                                   std::optional<size_t> parent, std::optional<LoaderFlavor> flavor,
                                   std::optional<std::string> interp);
  void load(ClosureObject& o);
  void resolve_needed(size_t index);
  std::vector<SearchScope> chain_of(size_t index) const;
  std::optional<size_t> loaded_by_name(std::string_view name, const ElfAbi& abi) const;
  LoaderFlavor image_flavor();

  const RootFs& fs_;
  ClosureOptions options_;
  LibrarySearch search_;
  std::vector<ClosureObject> objects_;
  std::map<std::string, size_t, std::less<>> by_path_;
  std::vector<std::string> missing_roots_;
  size_t next_ = 0;  // first object whose DT_NEEDED are not resolved yet
  std::optional<LoaderFlavor> image_flavor_;
  std::optional<std::string> image_interp_;
};

}  // namespace imgstrip
