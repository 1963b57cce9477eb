// libFuzzer target: the input is lib/apk/db/installed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "pkgdb/apk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    imgstrip::parse_apk_installed(std::string_view(reinterpret_cast<const char*>(data), size),
                                  "fuzz");
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
