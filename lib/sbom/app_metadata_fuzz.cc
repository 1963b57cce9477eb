// Fuzzes the application metadata parsers (package.json, METADATA, pom.properties,
// os-release) with hostile text: they must parse or give nullopt, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sbom/app_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace imgstrip;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_package_json(text);
  (void)parse_python_metadata(text);
  (void)parse_pom_properties(text);
  (void)parse_os_release(text);
  return 0;
}
