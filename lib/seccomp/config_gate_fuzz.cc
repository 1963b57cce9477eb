// libFuzzer target: any text must give an answer from the php-fpm and nginx setting readers, never
// a crash or a read past the input. scripts/fuzz.sh builds and runs it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "seccomp/config_gate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto line = imgstrip::fpm_slowlog_on(text))
    if (line->line == 0 || line->text.size() > size) __builtin_trap();
  if (auto line = imgstrip::fpm_process_priority_on(text))
    if (line->line == 0 || line->text.size() > size) __builtin_trap();
  if (auto line = imgstrip::nginx_worker_priority_on(text))
    if (line->line == 0 || line->text.size() > size) __builtin_trap();
  return 0;
}
