// libFuzzer target: any bytes, as a shell script and as a configuration file, give the
// places they write (never a crash), each a relative path without ".." and with a reason.
// Built with -DIMGSTRIP_FUZZ=ON and clang as fuzz_harden_writes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harden/config_writes.h"
#include "harden/script_writes.h"

namespace {

void check(const std::vector<imgstrip::WrittenPlace>& places) {
  for (const auto& w : places) {
    if (w.path.empty() || w.path[0] == '/' || w.why.empty()) __builtin_trap();
    if (w.path == ".." || w.path.starts_with("../") || w.path.find("/../") != std::string::npos)
      __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(imgstrip::script_writes(text, "/entry.sh"));
  check(imgstrip::config_writes(text, "/etc/x.conf"));
  return 0;
}
