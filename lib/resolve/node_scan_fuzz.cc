// libFuzzer target: any bytes, as a JavaScript source, give a list of specifiers (never a
// crash, a hang or an out-of-bounds read). Built with -DIMGSTRIP_FUZZ=ON and clang as
// fuzz_resolve_node_scan; scripts/fuzz.sh runs the fuzz targets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "resolve/node_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto& imp : imgstrip::js_imports(text)) {
    if (!imp.constant && !imp.specifier.empty()) __builtin_trap();
    if (imp.line == 0) __builtin_trap();
  }
  return 0;
}
