// What one ELF object contributes to the system calls of a process, found by disassembling
// its code (no execution): per function, the syscall instructions with the numbers that
// reach them, the calls it makes (to its own functions or to imported symbols through the
// PLT/GOT), the function addresses it materialises (candidates for indirect calls), and
// whether it is a syscall wrapper whose number is one of its arguments. The result does
// not depend on any other object, so it is cached by the file's digest (analysis_cache.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "elf/elf_file.h"
#include "seccomp/named_functions.h"
#include "seccomp/syscall_table.h"
#include "seccomp/value_trace.h"

namespace imgstrip {

struct SyscallSite {
  uint64_t addr = 0;
  ValueSet number;  // param set: the function is a wrapper
  // The first argument, for a number whose argument is traced (argument_filter.h).
  std::optional<ValueSet> arg0;
};

struct CallSite {
  uint64_t addr = 0;
  uint64_t target = 0;  // start of a function of this object; 0 for an import
  std::string import;   // the symbol called through the PLT or the GOT
  bool tail = false;    // a jump to another function
  // The syscall number the call passes: for imports, argument 0 (a callee defined elsewhere
  // may turn out to be a wrapper); for local wrappers, their number argument.
  std::optional<ValueSet> number;
};

// A call to a local function with an argument_param, and the value of that argument there
// (few calls have one: kept apart from CallSite, of which libnode has millions).
struct PassedArgument {
  uint64_t call = 0;
  ValueSet value;
};

// A call that looks a symbol up by name (symbol_lookup.h), or a lookup wrapper reached in a
// way its callers' names cannot be traced (exported, or its address taken): the names the
// function it returns can have.
struct SymbolLookup {
  uint64_t addr = 0;               // the call (for a wrapper: its start)
  std::vector<std::string> names;  // constant names
  bool unknown = false;            // a name computed at run time (or not a string)
  std::string why;
};

struct Function {
  uint64_t start = 0;
  uint64_t end = 0;
  std::string name;  // from the symbol tables; empty when stripped
  std::vector<SyscallSite> syscalls;
  std::vector<CallSite> calls;
  std::vector<uint64_t> takes;             // starts of local functions whose address it forms
  std::vector<std::string> takes_imports;  // imported symbols whose address it loads
  std::vector<uint64_t> data_uses;         // data addresses its code names (see DataSlot)
  std::optional<int> number_param;         // a syscall wrapper: the number is this argument
  std::vector<SymbolLookup> lookups;       // symbols it looks up by name
  std::optional<int> name_param;           // a lookup wrapper: the symbol name is this argument
  // This argument becomes the first one of a system call whose argument is traced
  // (argument_filter.h), directly or through a wrapper such as the C library's socket().
  std::optional<int> argument_param;
  std::vector<PassedArgument> passes;  // sorted by call
  const ValueSet* passed_at(uint64_t call) const;
};

// A word of data holding an address of this object (a relative relocation): of a function
// (the start of the function it points into) or of other data.
struct DataSlot {
  uint64_t at = 0;
  uint64_t function = 0;  // 0 when it points to data
  uint64_t data = 0;      // 0 when it points to code
};

struct ObjectAnalysis {
  static constexpr int kFormat = 11;  // bump when the analysis changes (invalidates caches)

  Arch arch = Arch::X86_64;
  std::optional<uint64_t> entry;     // start of the function at e_entry
  std::vector<Function> functions;   // sorted by start, disjoint
  std::vector<uint64_t> init, fini;  // DT_INIT*, DT_FINI* functions (starts)
  // Function addresses in data. In a position-independent object every such address is a
  // relocation, and data is reached in blocks. Strong anchors (addresses other data points
  // to, exported objects' starts, segment starts) and weak ones (addresses code names,
  // rip-relative or adrp) start blocks. Reachable code naming an address reaches its block
  // up to the next anchor; a pointer in reached data (or an exported object, which other
  // objects may read) reaches on up to the next strong anchor. The functions a reached
  // block points to are reached. This assumes code reads a table from an address it names
  // onwards, and that data pointing into the middle of an object is not the only way to
  // its start.
  std::vector<uint64_t> data_refs;          // always roots (ET_EXEC data words, IRELATIVE)
  std::vector<std::string> data_imports;    // symbols whose address is stored in data (roots)
  std::vector<uint64_t> data_anchors;       // block starts, sorted
  std::vector<bool> data_strong;            // per anchor: strong
  std::vector<DataSlot> data_slots;         // sorted by `at`
  std::vector<uint64_t> data_roots;         // data always reached (exported objects)
  std::map<std::string, uint64_t> exports;  // exported functions (.dynsym) -> start
  // Functions an interpreter calls by name (named_functions.h). Their slots are data_slots
  // of a position-independent object, reached with their block; in a position-dependent
  // one they are left out of data_refs, for the call graph to root by name.
  NamedFunctions named;
  std::vector<std::string> notes;  // what was skipped, with addresses
  uint64_t instructions = 0;

  // The function containing `addr`; nullptr when none.
  const Function* function_at(uint64_t addr) const;
  std::optional<size_t> index_at(uint64_t addr) const;
};

// Analyses an x86_64 or aarch64 object. Throws Error (naming the file) for other machines
// and for objects without any code to read; damaged parts are skipped and noted.
ObjectAnalysis analyze_object(const ElfFile& elf);

}  // namespace imgstrip
