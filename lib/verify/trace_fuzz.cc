// libFuzzer target: any strace output parses into failed calls (never a crash), and the
// findings list only absolute paths.
// Build with -DIMGSTRIP_FUZZ=ON (clang) and run fuzz_verify_trace (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "verify/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto calls = imgstrip::verify::parse_strace(text);
  imgstrip::verify::SeccompProfile p;
  p.default_errno = true;
  p.errno_ret = 38;
  auto f = imgstrip::verify::find_problems(calls, p, [](const std::string&) { return true; });
  for (const auto& path : f.missing_files)
    if (path.empty() || path.front() != '/') std::abort();
  return 0;
}
