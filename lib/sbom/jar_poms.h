// The Maven coordinates a jar carries: every META-INF/maven/<group>/<artifact>/
// pom.properties inside it (a shaded jar holds several), read through libarchive from
// the jar's bytes. Bounded: at most kJarEntriesLimit entries, pom.properties of at most
// 64 KiB. An unreadable jar gives an empty list.
#pragma once

#include <string_view>
#include <vector>

#include "sbom/app_metadata.h"

namespace imgstrip {

inline constexpr size_t kJarEntriesLimit = 200000;

std::vector<NamedVersion> jar_poms(std::string_view jar_bytes);

}  // namespace imgstrip
