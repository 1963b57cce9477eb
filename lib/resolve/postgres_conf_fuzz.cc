// libFuzzer target: PostgreSQL configuration text (postgresql.conf syntax and free-text
// mentions of a setting) never crashes, and what it returns comes from the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resolve/postgres_conf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto& s : imgstrip::postgres_settings(text)) {
    if (s.name.empty() || s.line == 0) std::abort();
    (void)imgstrip::postgres_bool(s.value);
  }
  for (auto& v : imgstrip::postgres_setting_mentions(text, "jit")) {
    if (v.size() > size) std::abort();
  }
  return 0;
}
