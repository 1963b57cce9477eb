#include "java/jar_walk.h"

#include "core/error.h"

namespace imgstrip {

bool walk_jar(JarReader& jar, const std::string& where, int nested, const JarVisitor& visit) {
  while (auto name = jar.next()) {
    bool truncated = false;
    std::string data = jar.read(kJarEntryLimit, &truncated);
    if (truncated) fail("{} is larger than {} MiB, not searched", *name, kJarEntryLimit >> 20);
    std::string at = where + "!/" + *name;
    if (is_zip(data) && nested > 0) {
      if (!visit(at, *name, {})) return false;
      try {
        JarReader inner(std::move(data));
        if (!walk_jar(inner, at, nested - 1, visit)) return false;
      } catch (const Error& e) {
        fail("{}: {}", *name, e.what());
      }
      continue;
    }
    if (!visit(at, *name, data)) return false;
  }
  return true;
}

}  // namespace imgstrip
