// libFuzzer target: any bytes, as a MANIFEST.MF, parse to attributes and notes, and any
// attribute value splits into class path entries (never a crash). Built with
// -DIMGSTRIP_FUZZ=ON and clang as fuzz_resolve_java_manifest.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "resolve/java_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = imgstrip::parse_manifest(text);
  std::vector<std::string> skipped;
  for (auto& [name, value] : m.attributes)
    (void)imgstrip::class_path_entries(value, &skipped);
  (void)m.get("Class-Path");
  (void)imgstrip::class_path_entries(text, &skipped);
  return 0;
}
