// The call graph of a whole kept set: functions of every object are nodes; edges are direct
// calls, calls through the PLT/GOT resolved to the defining object in the loader's symbol
// lookup order, and address-taking (a function whose code forms another function's address
// may call it indirectly), and symbol lookups by name (dlsym with a constant name reaches
// every export of that name). Roots are the executables' (and the loader's) entry points,
// every loaded object's init/fini functions and functions whose address is stored in data,
// every exported function of objects loaded with dlopen, and every export named by a plugin
// convention (plugin_entry.h: JNI's Java_*, PyInit_*...), whoever links against its object.
// Only what is reachable from a root counts; the result says, for each system call, who
// makes it and through which chain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "seccomp/argument_filter.h"
#include "seccomp/object_analysis.h"
#include "seccomp/syscall_table.h"

namespace imgstrip {

struct GraphObject {
  std::string path;  // for reports ("usr/lib/x86_64-linux-gnu/libc.so.6")
  std::shared_ptr<const ObjectAnalysis> analysis;
  std::vector<size_t> needed;  // DT_NEEDED objects found, in order (indices into the input)
  bool program = false;        // an executable (or the loader): its entry point is a root
  bool dlopened = false;       // loaded with dlopen: its exports are roots
  // Imported functions whose calls from this object are not followed: the configuration
  // in the image leaves the code that makes them off (config_gate.h).
  std::vector<std::string> cut_imports;
  // The names the image's scripts can call (named_functions.h): a function called by name
  // that is not among them (nor a protocol's __name__) is not called. Null: every such
  // function counts, like any function address in data.
  std::shared_ptr<const CalledNames> script_names;
};

// Functions called by name that nothing kept names, per object.
struct NamedFunctionsLeftOut {
  std::string object;
  size_t methods = 0;              // recognised in the object
  std::vector<std::string> names;  // left out, sorted, unique
};

// What an unresolved syscall site costs.
enum class FallbackPolicy : uint8_t {
  // Allow the syscalls the analysed wrappers could reach: for a call to a wrapper with an
  // unknown number (or a wrapper reached through a pointer), every number that wrapper is
  // passed anywhere in the loaded code. A syscall instruction whose number is loaded from
  // memory is assumed to repeat a number the reachable code makes elsewhere (glibc's setxid
  // broadcast, for example); it adds nothing, and the report lists it.
  // A symbol lookup whose name is not traced (NSS and the JVM build theirs) is assumed to
  // ask for a plugin convention's name or an export of a dlopened object, all roots already;
  // it adds nothing, and the report lists it.
  AllowWrapperReach,
  AllowAllKnown,  // allow every syscall the table knows
  Fail,           // an Error listing the sites
};

std::string_view fallback_name(FallbackPolicy p);
std::optional<FallbackPolicy> parse_fallback(std::string_view name);

struct SyscallReason {
  std::string object;              // path of the object whose code makes the call
  std::string function;            // label of the function ("open64", "fn_0x1234")
  uint64_t site = 0;               // the syscall instruction, or the call to the wrapper
  std::string wrapper;             // "libc.so.6!syscall" when the number goes through one
  std::vector<std::string> chain;  // root first: "usr/bin/ls!entry" ... the function
};

struct UnresolvedSite {
  std::string object;
  std::string function;
  uint64_t site = 0;
  std::string why;
  bool wrapper_call = false;   // a call to a wrapper whose number argument is unknown
  bool symbol_lookup = false;  // a symbol looked up by a name that is not traced
};

struct SyscallAnalysis {
  Arch arch = Arch::X86_64;
  SyscallSet syscalls;                     // everything the profile must allow
  SyscallSet from_fallback;                // added by the fallback policy alone
  std::map<int, SyscallReason> reasons;    // one shortest explanation per resolved syscall
  std::vector<UnresolvedSite> unresolved;  // reachable sites without a known number or name
  // Per allowed syscall whose first argument is traced (argument_filter.h): its values.
  // A direct syscall instruction whose number is not known is assumed to repeat a call the
  // reachable code makes elsewhere with that call's arguments, as for its number (glibc's
  // setxid broadcast); an unknown number passed to a wrapper makes every argument unknown.
  std::map<int, ArgumentValues> arguments;
  FallbackPolicy fallback = FallbackPolicy::AllowWrapperReach;
  std::vector<std::string> notes;
  std::vector<NamedFunctionsLeftOut> named_left_out;
  size_t objects = 0, functions = 0, reachable_functions = 0, roots = 0;
  size_t cache_hits = 0;  // filled by analyze_syscalls()
};

// Throws Error for mixed architectures, and under FallbackPolicy::Fail for unresolved sites.
SyscallAnalysis analyze_call_graph(const std::vector<GraphObject>& objects,
                                   FallbackPolicy fallback);

}  // namespace imgstrip
