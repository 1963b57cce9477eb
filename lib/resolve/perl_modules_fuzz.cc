// libFuzzer target: any bytes, as Perl source, give a list of loaded modules (never a
// crash). Built with -DIMGSTRIP_FUZZ=ON and clang as fuzz_resolve_perl_modules.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "resolve/perl_modules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto& use : imgstrip::perl_uses(text)) {
    if (use.module.empty() || use.line == 0) __builtin_trap();
  }
  (void)imgstrip::is_perl_source("x", text);
  return 0;
}
