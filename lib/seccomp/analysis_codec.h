// A compact binary form of an ObjectAnalysis for the cache: LEB128 numbers, length-prefixed
// strings, addresses as deltas from the function start, read with bounds checks (a cache
// file is input like any other). Several times faster to load than JSON or MessagePack.
#pragma once

#include <string>
#include <string_view>

#include "seccomp/object_analysis.h"

namespace imgstrip {

std::string encode_analysis(const ObjectAnalysis& a);
// Throws Error when `bytes` is not an analysis of the current format.
ObjectAnalysis decode_analysis(std::string_view bytes);

}  // namespace imgstrip
