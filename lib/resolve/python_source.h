// Reading the imports of one Python source file without running it: a small tokenizer
// (comments, every string form, line continuations, brackets, indentation) and a parser
// of the statements that load modules. Pure: text in, imports out; never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

// One module an import statement or a call with a constant name loads.
struct PythonImport {
  std::string module;  // dotted name as written after the dots ("a.b"); "" in `from . import x`
  int level = 0;       // leading dots of a relative import (`from ..a import b` -> 2)
  // For `from M import n1, n2`: the names, which may be submodules of M ("*" for a star
  // import); empty for `import M` and dynamic imports.
  std::vector<std::string> names;
  size_t line = 0;        // 1-based line of the statement
  std::string statement;  // how it was written, for messages ("from .a import b")
  // Inside a try whose handlers catch ImportError (or a broader class), or inside such a
  // handler: a module that is missing is not an error.
  bool optional = false;
  // Under `if __name__ == "__main__":`: runs only when the file is the program.
  bool main_only = false;
};

// A call that imports a module whose name is not a constant: importlib.import_module(x),
// __import__(expr), pkg_resources / importlib.metadata entry points, import_string(x).
struct DynamicImport {
  std::string call;  // "importlib.import_module", "__import__", "iter_entry_points"...
  size_t line = 0;
  bool main_only = false;
};

struct PythonSource {
  std::vector<PythonImport> imports;
  std::vector<DynamicImport> dynamic;
  // Problems worth a note: an unterminated string, a line beyond the limits.
  std::vector<std::string> problems;
};

// The imports of `source`, in order. Statements inside functions, classes, if/try blocks
// count like top-level ones, except in branches that never run on Linux: `if
// TYPE_CHECKING:`, comparisons of sys.platform or os.name (alone or in and/or), and the
// elif/else branches after one that always runs. Malformed input is read as far as it
// makes sense.
PythonSource parse_python_source(std::string_view source);

}  // namespace imgstrip
