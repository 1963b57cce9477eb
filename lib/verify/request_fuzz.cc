// libFuzzer target: any requests file parses into requests whose paths start with '/' and
// carry no control characters, or gives a UsageError, never a crash.
// Build with -DIMGSTRIP_FUZZ=ON (clang) and run fuzz_verify_request (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/error.h"
#include "core/text.h"
#include "verify/request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& r : imgstrip::verify::parse_requests(text, "fuzz")) {
      if (!r.path.starts_with('/') || imgstrip::has_control(r.path) || r.method.empty())
        std::abort();
      if (r.port < 0 || r.port > 65535) std::abort();
      (void)r.describe();
    }
  } catch (const imgstrip::UsageError&) {
  }
  return 0;
}
