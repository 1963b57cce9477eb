// Python's functions called by name. CPython objects (the interpreter, libpython, extension
// modules) describe their module functions and type methods in PyMethodDef tables of
// {ml_name, ml_meth, ml_flags, ml_doc} records, and call ml_meth only when code looks
// ml_name up (os.setpriority, sock.setsockopt). Every such address in data is otherwise a
// root, so every builtin of the standard library would count; gated by name, a function
// stays a root only when some kept Python code, template or C string names it.
//
// Recognised: only in an object that uses the Python C API to build modules or types
// (imports or defines PyModule_Create2, PyModuleDef_Init, PyType_FromSpec...), records
// whose name points to an identifier string, whose function slot to a function's start,
// whose flags are a valid METH_* combination and whose doc is null or a string, next to
// another such record or before the all-zero terminator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "elf/elf_file.h"

namespace imgstrip {

struct Function;

struct PythonMethod {
  uint64_t slot = 0;      // the address of ml_meth
  uint64_t function = 0;  // the start of the function it points to
  std::string name;       // ml_name
};

struct PythonMethods {
  std::vector<PythonMethod> methods;  // sorted by slot
  // Names the object's own C code may look up: every identifier string in its data except
  // those that only method records point to, or that only the method's own function names
  // (Argument Clinic's error messages: _PyArg_CheckPositional("setpriority", ...)).
  std::vector<std::string> c_names;  // sorted, unique
};

// Whether `elf` builds Python modules or types.
bool uses_python_api(const ElfFile& elf);

// `functions` sorted by start, with their calls, takes and data_uses analysed.
PythonMethods find_python_methods(const ElfFile& elf, const std::vector<Function>& functions);

// A name CPython looks up itself, whatever code says: the dunder methods (__reduce_ex__,
// __enter__, __fspath__...) that protocols and the C API call.
bool python_protocol_name(std::string_view name);

}  // namespace imgstrip
