// The system calls a kept set of binaries can make: every ELF object of a dependency
// closure is analysed (or taken from the cache by content digest), then the call graph
// across all of them decides what is reachable.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/rootfs.h"
#include "elf/closure.h"
#include "seccomp/call_graph.h"

namespace imgstrip {

struct SeccompOptions {
  FallbackPolicy fallback = FallbackPolicy::AllowWrapperReach;
  std::filesystem::path cache_dir;  // empty: no cache
  // Real paths (as in the closure) of objects loaded with dlopen (php extensions, NSS
  // modules): their exported functions are roots. They must be roots of the closure too.
  std::vector<std::string> dlopened;
  // Real paths of the programs (entry points are roots). Empty: every root of the closure
  // that is not dlopened. Loaders (PT_INTERP targets) are programs either way.
  std::vector<std::string> programs;
  // Real path of an object -> imported functions whose calls from it are not followed
  // (GraphObject::cut_imports).
  std::map<std::string, std::vector<std::string>> cut_imports;
  // The names the image's kept scripts, templates, configuration and command line can
  // call (script_names.h), to which the analysis adds the names the runtimes' own C code
  // holds (GraphObject::script_names). Unset: functions called by name are not gated.
  std::optional<CalledNames> script_names;
  // The same names, computed only when some analysed object calls functions by name (a
  // Python or PHP runtime is kept): reading every kept file costs time where no runtime
  // would use the result (a JRE image with a gdb script). Used when script_names is unset.
  std::function<std::optional<CalledNames>()> script_names_source;
  size_t max_file_size = size_t{1} << 30;
  unsigned jobs = 0;  // analysis threads; 0: one per core
};

// Analyses every object of `closure` (resolved), read from `fs`. Objects that cannot be
// read or are not x86_64/aarch64 are noted and left out; a program that cannot be
// analysed is an Error.
SyscallAnalysis analyze_syscalls(const RootFs& fs, const ElfClosure& closure,
                                 const SeccompOptions& options = {});

}  // namespace imgstrip
