// libFuzzer target: any bytes read as Python source give imports (or none), never a crash,
// a hang or an import that could not have been written in the source.
// Build with -DIMGSTRIP_FUZZ=ON and clang; scripts/fuzz.sh runs fuzz_resolve_python_imports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resolve/python_imports.h"
#include "resolve/python_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)imgstrip::is_python_source("fuzz", text);
  auto source = imgstrip::parse_python_source(text);
  size_t lines = 1;
  for (char c : text)
    lines += c == '\n' ? 1 : 0;
  for (auto& i : source.imports) {
    if (i.line < 1 || i.line > lines || i.level < 0 || i.level > static_cast<int>(size))
      std::abort();
    if (i.module.size() > size) std::abort();
    for (char c : i.module) {
      if (c == '\n' || c == ' ' || c == '\'' || c == '"') std::abort();
    }
  }
  for (auto& d : source.dynamic) {
    if (d.line < 1 || d.line > lines) std::abort();
  }
  return 0;
}
