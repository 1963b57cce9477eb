// libFuzzer target: any bytes as a security.capability value parse or are refused (never a
// crash); what parses has no bits beyond its revision's words.
// Built with -DIMGSTRIP_FUZZ=ON and clang as fuzz_harden_file_caps.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harden/file_caps.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  if (auto caps = imgstrip::parse_file_caps(value)) {
    if (size == 12 && ((caps->permitted | caps->inheritable) >> 32) != 0) __builtin_trap();
    if (caps->root_uid.has_value() != (size == 24)) __builtin_trap();
    (void)imgstrip::capability_numbers(caps->permitted);
  }
  return 0;
}
