// libFuzzer target: the input is one rpm header blob (as stored in rpmdb).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "pkgdb/rpm_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto header = imgstrip::RpmHeader::parse(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    imgstrip::package_from_rpm_header(header);
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
