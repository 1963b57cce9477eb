// libFuzzer target: any /_ping header values must negotiate a version no newer than ours
// or give an Error, never a crash.
// Build with -DIMGSTRIP_FUZZ=ON (clang) and run fuzz_engine_ping (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "engine/ping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto nul = bytes.find('\0');  // api version, then the libpod header if any
  std::optional<std::string> api = bytes.substr(0, nul);
  std::optional<std::string> libpod;
  if (nul != std::string::npos) libpod = bytes.substr(nul + 1);
  (void)imgstrip::ApiVersion::parse(bytes);
  try {
    imgstrip::PingInfo info = imgstrip::negotiate(api, libpod);
    if (imgstrip::kOurApiVersion < info.api || info.api < imgstrip::kOldestApiVersion) std::abort();
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
