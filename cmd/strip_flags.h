// The flags that say what to keep (shared by `strip` and `why`).
#pragma once

#include <cxxopts.hpp>

#include "resolve/request.h"

namespace imgstrip::cli {

void add_keep_flags(cxxopts::Options& options);
StripRequest strip_request(const cxxopts::ParseResult& args);

}  // namespace imgstrip::cli
