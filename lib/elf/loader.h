// The dynamic loader's search for a DT_NEEDED name, run against an image's file system
// without executing anything. glibc's order (elf/dl-load.c):
//   1. a name containing '/' is a path;
//   2. DT_RPATH of the needing object, then of the objects that loaded it, up to the
//      executable (only when the needing object has no DT_RUNPATH);
//   3. LD_LIBRARY_PATH;  4. DT_RUNPATH of the needing object only;
//   5. /etc/ld.so.conf directories (what ld.so.cache would list), and 6. the default
//      directories (multiarch triplet, lib64, lib, usr/...) - both skipped under DF_1_NODEFLIB.
// Each directory is preceded by its glibc-hwcaps/* and legacy (tls/, haswell/, ...)
// subdirectories. musl's order: LD_LIBRARY_PATH, the DT_RUNPATH-or-DT_RPATH of the needing
// object and its loaders, then /etc/ld-musl-ARCH.path or "/lib:/usr/local/lib:/usr/lib".
// A candidate is accepted only if it is an ELF object of the needing object's class, byte
// order and machine (glibc skips the others and keeps searching).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rootfs.h"
#include "elf/elf_header.h"

namespace imgstrip {

enum class LoaderFlavor : uint8_t { Glibc, Musl };

std::string_view flavor_name(LoaderFlavor f);
// The loader an interpreter path names: "ld-musl-*" is musl, everything else glibc.
LoaderFlavor loader_flavor(std::string_view interp);

// What the loader requires of a library: the needing object's class, byte order, machine.
struct ElfAbi {
  ElfClass elf_class = ElfClass::Elf64;
  ElfEndian endian = ElfEndian::Little;
  uint16_t machine = 0;
  static ElfAbi of(const ElfHeader& h) { return {h.elf_class, h.endian, h.machine}; }
  bool accepts(const ElfHeader& h) const {
    return h.elf_class == elf_class && h.endian == endian && h.machine == machine;
  }
};

// Debian multiarch triplets for an ABI, most likely first ("x86_64-linux-gnu").
std::vector<std::string> multiarch_triplets(const ElfAbi& abi);
// glibc's built-in directories for an ABI, relative to the root.
std::vector<std::string> glibc_default_dirs(const ElfAbi& abi);
// The value of $PLATFORM (AT_PLATFORM) the kernel gives a process of this ABI.
std::string default_platform(const ElfAbi& abi);

// Inputs that come from the image's configuration rather than its files.
struct LoaderEnv {
  std::vector<std::string> ld_library_path;  // the image's LD_LIBRARY_PATH, split at ':'
  std::optional<std::string> platform;       // overrides default_platform()
};

// One object in the chain that leads to a DT_NEEDED: the needing object first, then the
// object that loaded it, and so on up to the executable.
struct SearchScope {
  std::string path;    // where the object was opened, relative to the root (for messages)
  std::string origin;  // $ORIGIN: the directory it was opened from, relative to the root
  std::optional<std::string> rpath;
  std::optional<std::string> runpath;
  bool nodeflib = false;
};

struct LibraryMatch {
  std::string path;       // where the loader opens it, relative to the root (may hold links)
  std::string real_path;  // the same with every symlink resolved
  std::string via;  // the rule that found it: "DT_RUNPATH of usr/bin/x", "default directory", ...
  // Other copies the loader picks on some machines (glibc-hwcaps/x86-64-v3/..., tls/...),
  // found in the same directory; a caller that keeps the library keeps these too.
  std::vector<std::string> variants;
};

struct SearchResult {
  std::optional<LibraryMatch> match;
  std::vector<std::string> skipped;  // candidates rejected and why ("usr/lib/libz.so.1: ELF32")
};

class LibrarySearch {
 public:
  explicit LibrarySearch(const RootFs& fs, LoaderEnv env = {});

  // Finds `name` as the loader would for chain[0], whose ABI is `abi`, under the loader
  // `flavor` with interpreter `interp` (used to find musl's path file).
  SearchResult find(std::string_view name, const std::vector<SearchScope>& chain, const ElfAbi& abi,
                    LoaderFlavor flavor, std::string_view interp);

  // The directories in the order they would be searched for chain[0] (after expansion of
  // $ORIGIN, $LIB and $PLATFORM), each with the rule it comes from.
  std::vector<std::pair<std::string, std::string>> search_dirs(
      const std::vector<SearchScope>& chain, const ElfAbi& abi, LoaderFlavor flavor,
      std::string_view interp);

  // Expands $ORIGIN, $LIB, $PLATFORM (and ${...}) in one search path entry; $LIB may have
  // several meanings across distributions, so several directories can come back.
  std::vector<std::string> expand_tokens(std::string_view entry, std::string_view origin,
                                         const ElfAbi& abi) const;

  // Notes about the configuration (unreadable includes, ...), collected once.
  const std::vector<std::string>& notes() const { return notes_; }
  const RootFs& fs() const { return fs_; }

 private:
  void add_path_list(std::vector<std::pair<std::string, std::string>>& out, std::string_view list,
                     std::string_view origin, const ElfAbi& abi, const std::string& why);
  const std::vector<std::string>& conf_dirs();
  const std::vector<std::string>& variant_dirs(const std::string& dir, bool hwcaps);
  std::optional<std::string> accept(const std::string& path, const ElfAbi& abi,
                                    std::vector<std::string>& skipped);

  const RootFs& fs_;
  LoaderEnv env_;
  std::optional<std::vector<std::string>> conf_dirs_;
  std::map<std::string, std::vector<std::string>> variants_;
  // real path -> header (nullopt: not ELF / unreadable)
  std::map<std::string, std::optional<ElfHeader>> headers_;
  std::vector<std::string> notes_;
};

}  // namespace imgstrip
