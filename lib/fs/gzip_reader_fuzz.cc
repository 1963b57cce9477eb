// libFuzzer target: any bytes given to the ISA-L gzip reader decompress or raise an Error,
// never crash or read past the input, and the input is always read to its end.
// scripts/fuzz.sh builds and runs it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/stream.h"
#include "fs/gzip_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  imgstrip::StringReader raw(std::string(reinterpret_cast<const char*>(data), size));
  imgstrip::CountingReader counted(raw);
  try {
    auto in = imgstrip::gunzip_if_gzip(counted, "fuzz");
    char buf[4096];
    uint64_t total = 0;
    while (size_t got = in->read(buf, sizeof buf)) {
      total += got;
      if (total > (uint64_t{64} << 20)) return 0;  // a bomb: enough
    }
    if (counted.count() != size) __builtin_trap();
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
