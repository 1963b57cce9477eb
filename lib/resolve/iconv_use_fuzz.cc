// libFuzzer target: any text (a script, an Env list) gives a locale assignment taken from
// the input, or none, never a crash or a read past it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resolve/iconv_use.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto a = imgstrip::non_builtin_locale_variable(text))
    if (a->line == 0 || a->text.size() > size || a->text.empty()) std::abort();
  (void)imgstrip::builtin_locale(text);
  (void)imgstrip::builtin_charset(text);
  return 0;
}
