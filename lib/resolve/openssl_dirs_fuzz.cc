// libFuzzer target: any bytes (a libcrypto, or not) give absolute module directories taken
// from the input, or none, never a crash or a read past it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resolve/openssl_dirs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const auto& dir : imgstrip::openssl_module_dirs(bytes)) {
    if (dir.empty() || dir.front() != '/' || bytes.find(dir) == std::string_view::npos)
      std::abort();
  }
  return 0;
}
