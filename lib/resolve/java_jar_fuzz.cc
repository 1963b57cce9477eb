// libFuzzer target: any bytes, as a jar in a tree, give findings and notes from java_jar
// (libarchive's zip reader, then the manifest parser), never a crash. Built with
// -DIMGSTRIP_FUZZ=ON and clang as fuzz_resolve_java_jar.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fs/tree.h"
#include "resolve/java_classpath.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto contents = std::make_shared<imgstrip::ContentStore>();
  imgstrip::FileTree tree(contents);
  for (const char* dir : {"app", "app/lib"}) {
    imgstrip::Entry d;
    d.path = dir;
    d.type = imgstrip::FileType::Directory;
    tree.insert(d);
  }
  imgstrip::Entry e;
  e.path = "app/app.jar";
  e.size = size;
  e.content = size == 0
                  ? imgstrip::kNoContent
                  : contents->append(std::string_view(reinterpret_cast<const char*>(data), size));
  tree.insert(e);
  (void)imgstrip::java_jar(tree, "app/app.jar");
  return 0;
}
