// The Python rule of the resolver: the modules one kept Python file imports, found on the
// sys.path of a Python of the image (python_env.h), statically.
//
// Granularity: a module found in a site directory (dist-packages, site-packages, a venv) or
// an application directory is kept as its top-level unit, the whole top-level package
// directory (tree) or the single top-level module file, with the *.dist-info / *.egg-info
// metadata of the distribution that provides it. In the standard library, top-level
// packages (email/, json/, encodings/...) are kept whole and single-file modules one by one.
// Files inside kept trees are Python files the resolver scans in turn, until nothing new
// is kept; so this rule only reads one file's direct imports.
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

// What the interpreter of `env` loads before running anything: site, sitecustomize,
// encodings and the os/io/codecs chain, the .pth files of its site directories (and what
// their `import` lines import), its pyvenv.cfg. Their own imports come from running
// python_imports on them.
Findings python_startup(const FileTree& tree, const PythonEnv& env);

}  // namespace imgstrip
