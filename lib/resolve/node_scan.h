// The module specifiers a JavaScript source names: require() calls, import and export ...
// from declarations, and dynamic import(). A tokenizer skips comments, strings, template
// literals and regular expression literals (told from division by the token before the
// slash, as parsers do), so `// require('x')` or "import y from 'z'" inside a string names
// nothing. It does not parse JavaScript: it is an over-approximation that never fails, on
// any bytes (a `require('x')` in dead code still counts).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

enum class JsImportKind {
  Require,         // require('x'), module.require('x')
  RequireResolve,  // require.resolve('x'): a path the code reads or loads later
  Import,          // import ... from 'x', import 'x'
  Export,          // export ... from 'x'
  DynamicImport,   // import('x')
};

std::string_view js_import_kind_name(JsImportKind kind);  // "require", "import"...

struct JsImport {
  JsImportKind kind = JsImportKind::Require;
  std::string specifier;  // the constant argument; empty when `constant` is false
  bool constant = true;   // false for require(variable), import(expression)
  size_t line = 0;        // 1-based
};

// Every specifier in `source`, in order.
std::vector<JsImport> js_imports(std::string_view source);

}  // namespace imgstrip
