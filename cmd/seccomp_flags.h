// The flags that shape a seccomp profile (shared by `strip` and `seccomp`).
#pragma once

#include <cxxopts.hpp>

#include "seccomp/image_profile.h"

namespace imgstrip::cli {

// Adds --runtime, --seccomp-fallback, --seccomp-errno, --seccomp-cache.
void add_seccomp_flags(cxxopts::Options& options);
SeccompSettings seccomp_settings(const cxxopts::ParseResult& args);

}  // namespace imgstrip::cli
