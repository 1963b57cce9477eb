// Every entry of a jar (any zip), and of the jars it holds (Spring Boot's
// BOOT-INF/lib/*.jar), in order: what the searches of a kept application's code go through.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "java/jar_reader.h"

namespace imgstrip {

inline constexpr size_t kJarEntryLimit = size_t{256} << 20;
// How deep searches go: a jar in a jar in a kept jar (Spring Boot's BOOT-INF/lib).
inline constexpr int kNestedJars = 2;

inline bool is_zip(std::string_view head) {
  return head.starts_with("PK\x03\x04");
}

// `at`: where the entry is ("/app/x.jar!/BOOT-INF/lib/y.jar!/a/B.class"); `name`: its name
// in its jar; `data`: its bytes, empty for a jar walked into (its entries follow). Returns
// false to stop the walk.
using JarVisitor =
    std::function<bool(const std::string& at, const std::string& name, std::string_view data)>;

// Walks `jar` (found at `where`) and, `nested` levels down, the jars inside it. Returns false
// when `visit` stopped it. Throws Error naming the entry that cannot be read whole (larger
// than kJarEntryLimit, damaged).
bool walk_jar(JarReader& jar, const std::string& where, int nested, const JarVisitor& visit);

}  // namespace imgstrip
