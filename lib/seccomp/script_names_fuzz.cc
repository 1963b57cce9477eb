// libFuzzer target: any bytes read as text, as bytecode, or as PHP would (code after an
// open tag, server settings), give identifiers only, each a substring of the input, never
// a crash or a hang.
// Build with -DIMGSTRIP_FUZZ=ON and clang; scripts/fuzz.sh runs fuzz_seccomp_script_names.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "seccomp/script_names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto check = [&](const imgstrip::NameSet& names) {
    for (const auto& n : names) {
      if (n.empty() || (n[0] >= '0' && n[0] <= '9') || text.find(n) == std::string_view::npos)
        std::abort();
    }
  };
  for (bool binary : {false, true}) {
    imgstrip::NameSet names;
    imgstrip::add_identifiers(text, binary, names);
    check(names);
  }
  for (std::string_view path : {"etc/nginx/sites-enabled/default", "etc/php/8.2/php.ini"}) {
    imgstrip::NameSet names;
    imgstrip::add_php_identifiers(path, text, names);
    check(names);
  }
  return 0;
}
