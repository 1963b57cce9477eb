// libFuzzer target: any script or configuration text gives words, paths and a #! line
// taken from the input, never a crash or a read past it (here-documents without their
// delimiter, unterminated quotes, `for` at the end of a line).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resolve/text_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto check = [&](const std::vector<imgstrip::TextRef>& refs) {
    for (auto& r : refs)
      if (r.text.empty() || r.text.size() > size || r.line == 0) std::abort();
  };
  check(imgstrip::shell_words(text));
  check(imgstrip::variable_dir_names(text));
  check(imgstrip::absolute_paths(text));
  if (auto s = imgstrip::parse_shebang(text)) (void)imgstrip::env_program(*s);
  (void)imgstrip::looks_like_text(text);
  return 0;
}
