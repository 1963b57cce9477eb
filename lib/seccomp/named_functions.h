// Functions an interpreter calls by name. CPython objects (the interpreter, libpython,
// extension modules) describe their module functions and type methods in PyMethodDef
// tables of {ml_name, ml_meth, ml_flags, ml_doc}; PHP (the SAPI binaries and extensions)
// its functions and class methods in zend_function_entry tables of {fname, handler,
// arg_info, num_args, flags}. The interpreter calls such a function only when code names
// it (os.setpriority, proc_nice()). Every such address in data is otherwise a root, so
// every builtin of the runtime would count; gated by name, a function stays a root only
// when some kept script, template or C string of the runtime names it.
//
// Recognised: only in an object that uses the runtime's C API to register them (Python:
// PyModule_Create2, PyModuleDef_Init, PyType_FromSpec...; PHP: zend_register_functions,
// zend_register_internal_class_ex...), records whose name points to an identifier
// string, whose function slot to a function's start and whose other fields have the
// runtime's shape (valid METH_* flags and a null or string doc; an argument-info pointer,
// a small argument count and ZEND_ACC_* flags), next to another such record or before
// the all-zero terminator.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "elf/elf_file.h"

namespace imgstrip {

struct Function;

enum class Interpreter : uint8_t { Python, Php };

struct NamedFunction {
  uint64_t slot = 0;      // the address of the function's slot in the record
  uint64_t function = 0;  // the start of the function it points to
  std::string name;       // ml_name, fname
  Interpreter by = Interpreter::Python;
};

struct NamedFunctions {
  std::vector<NamedFunction> functions;  // sorted by slot
  // Names the object's own C code may look up: every identifier string in its data except
  // those that only the records point to, or that only the function's own code names
  // (Argument Clinic's error messages: _PyArg_CheckPositional("setpriority", ...)).
  std::vector<std::string> c_names;  // sorted, unique
};

// A set of names, looked up by string_view without building a string (the pools take
// every identifier of every kept file: most are there already).
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using NameSet = std::unordered_set<std::string, NameHash, std::equal_to<>>;

// Adds `name` unless it is there.
inline void add_name(NameSet& set, std::string_view name) {
  if (set.find(name) == set.end()) set.emplace(name);
}

// The names each runtime's scripts can call (script_names.h).
struct CalledNames {
  NameSet python;
  NameSet php;
  const NameSet& of(Interpreter by) const { return by == Interpreter::Php ? php : python; }
};

// The runtime whose C API `elf` uses to register functions, if any.
std::optional<Interpreter> interpreter_api(const ElfFile& elf);

// `functions` sorted by start, with their calls, takes and data_uses analysed.
NamedFunctions find_named_functions(const ElfFile& elf, const std::vector<Function>& functions);

// A name the runtime looks up itself, whatever scripts say: Python's protocol methods
// (__enter__, __reduce_ex__, __fspath__...), PHP's magic methods (__construct, __toString).
bool protocol_name(std::string_view name);

}  // namespace imgstrip
