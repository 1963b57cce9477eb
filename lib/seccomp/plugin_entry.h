// Entry points that a loader finds by name: a runtime that loads a module with dlopen looks
// its functions up with dlsym under names fixed by a convention (JNI's Java_*, Python's
// PyInit_*, NSS's _nss_*...). Such a name exists to be found at run time, whoever else links
// against the object, so every kept function exported under one is a root of the call graph.
// Only exact conventions are listed: a name that merely looks like one costs little.
#pragma once

#include <optional>
#include <string_view>

namespace imgstrip {

// The convention `symbol` follows ("JNI", "Python extension"...); nullopt for other names.
std::optional<std::string_view> plugin_convention(std::string_view symbol);

}  // namespace imgstrip
