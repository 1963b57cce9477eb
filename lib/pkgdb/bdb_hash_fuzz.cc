// libFuzzer target: the input is a Berkeley DB hash file (rpm's var/lib/rpm/Packages).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "pkgdb/rpm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    imgstrip::read_rpm_bdb(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
