// libFuzzer target: any bytes, as a module-info.class, parse to a module declaration or
// an Error, and any bytes as a JNI native's symbol name; the declarations found resolve
// to a boot layer (never a crash). Built with -DIMGSTRIP_FUZZ=ON and clang as
// fuzz_java_module_info.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "core/error.h"
#include "java/boot_layer.h"
#include "java/jni_symbol.h"
#include "java/module_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)imgstrip::jni_native(bytes);
  try {
    imgstrip::ModuleDescriptor d = imgstrip::parse_module_info(bytes);
    std::map<std::string, imgstrip::ModuleDescriptor> modules;
    std::string name = d.name;
    modules.emplace(name, std::move(d));
    (void)imgstrip::boot_layer(modules, imgstrip::default_root_modules(modules));
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
