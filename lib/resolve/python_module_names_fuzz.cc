// libFuzzer target: any bytes read as Python text or as a binary give dotted names that
// are substrings of the input, each of two identifiers or more, never a crash or a hang.
// Build with -DIMGSTRIP_FUZZ=ON and clang; scripts/fuzz.sh runs fuzz_resolve_python_module_names.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "resolve/python_module_names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto source : {imgstrip::NameSource::PythonText, imgstrip::NameSource::Binary}) {
    for (auto& name : imgstrip::python_dotted_names(text, source, 64)) {
      if (name.find('.') == std::string::npos || name.front() == '.' || name.back() == '.')
        std::abort();
      if (name.find("..") != std::string::npos || text.find(name) == std::string_view::npos)
        std::abort();
    }
  }
  return 0;
}
