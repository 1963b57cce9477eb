// The Python rule of the resolver: the modules one kept Python file imports, found on the
// sys.path of a Python of the image (python_env.h), statically.
//
// Granularity: modules one by one. `import a.b.c` keeps the packages a and a.b (their
// directories and __init__ files) and the module c; a source module with the bytecode
// Python cached for it (__pycache__/c.cpython-311.pyc). The top-level package keeps, with
// its first import, every file in it that is not a module (data, templates, resources,
// plain *.so loaded by path) and every directory in it that is not a package; `from pkg
// import *` keeps the package whole (its __all__ imports submodules). The *.dist-info /
// *.egg-info metadata of the distribution providing the top-level name is kept too. Every
// kept Python file is scanned in turn, until nothing new is kept; so this rule only reads
// one file's direct imports.
//
// A module that is not in the image is a note (an optional one, under try/except
// ImportError or TYPE_CHECKING, says so). A dynamic import (importlib.import_module(x),
// __import__(expr), entry points, import_string) keeps the whole top-level package that
// makes it, and is a note.
#pragma once

#include <string>
#include <string_view>

#include "fs/tree.h"
#include "resolve/findings.h"
#include "resolve/python_env.h"

namespace imgstrip {

// A *.py (or *.pyw) file, or a script whose #! line runs python ("python3", "python3.11",
// through env or not). `head` is the start of the file.
bool is_python_source(std::string_view path, std::string_view head);

// The modules the Python file at `path` (in the image, no leading '/') imports, with the
// packages that contain them and their distributions' metadata.
//
// A file outside every sys.path directory is a program (a script, run directly): its `if
// __name__ == "__main__":` blocks count. A module on sys.path is a library: those blocks
// do not, and a package's __main__.py is not read, unless `as_main` says it runs as the
// program (`python -m pkg`, or a script installed on sys.path). Nor are the test suites
// that libraries ship (files under a tests/ or test/ directory on sys.path): they are kept
// with their package, and nothing imports them at run time.
Findings python_imports(const FileTree& tree, const PythonEnv& env, const std::string& path,
                        bool as_main = false);

// The modules a file names as whole dotted strings (python_module_names.h): a Python
// file's quoted "pkg.mod" (import_string, entry points, configuration), an extension
// module's or the interpreter's PyImport_ImportModule("pkg.mod"). Only names that reach a
// module inside a package count: a top-level module is found by its import statements,
// and most dotted strings are no module ("pickle.PickleBuffer" is a type's name), so
// names that are not are dropped without a note. Each comes with the top-level package it
// is in: the rule keeps it once something imports that package (a name alone does not
// bring in a package nothing imports, as _compat_pickle's "dbm.ndbm" would).
struct NamedModule {
  std::string name;  // "xml.etree.ElementPath"
  // The top-level package's __init__ ("usr/lib/python3.11/xml/__init__.py"), a namespace
  // package's directory: kept once the package is imported.
  std::string package;
  Findings found;
};
std::vector<NamedModule> python_named_modules(const FileTree& tree, const PythonEnv& env,
                                              const std::string& path);

// What the interpreter of `env` loads before running anything: site, sitecustomize,
// encodings and the os/io/codecs chain, the .pth files of its site directories (and what
// their `import` lines import), its pyvenv.cfg. Their own imports come from running
// python_imports on them.
Findings python_startup(const FileTree& tree, const PythonEnv& env);

}  // namespace imgstrip
