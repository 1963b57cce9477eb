// libFuzzer target: any document gives requests (paths starting with '/') or a UsageError,
// never a crash, a hang on a $ref loop or unbounded recursion.
// Build with -DIMGSTRIP_FUZZ=ON (clang) and run fuzz_verify_openapi (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/error.h"
#include "verify/openapi.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  imgstrip::verify::OpenApiOptions o;
  o.oversized_bytes = 64;
  try {
    for (const auto& r : imgstrip::verify::requests_from_openapi(text, "fuzz", o))
      if (!r.path.starts_with('/') || r.method.empty()) std::abort();
  } catch (const imgstrip::UsageError&) {
  }
  return 0;
}
