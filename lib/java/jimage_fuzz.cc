// libFuzzer target: any bytes, as a JDK run-time image (lib/modules), read to an index and
// module declarations or to an Error (never a crash, a read past the bytes or an
// allocation the header alone asks for). Built with -DIMGSTRIP_FUZZ=ON and clang as
// fuzz_java_jimage.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/stream.h"
#include "java/jimage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    imgstrip::StringReader in(bytes);
    (void)imgstrip::read_jimage_modules(in);
  } catch (const imgstrip::Error&) {
  }
  try {
    (void)imgstrip::parse_jimage_index(bytes);
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
