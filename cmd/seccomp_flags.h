// The flags that shape a seccomp profile (shared by `strip` and `seccomp`).
#pragma once

#include <cxxopts.hpp>
#include <filesystem>
#include <string_view>

#include "seccomp/image_profile.h"

namespace imgstrip::cli {

// Adds --runtime, --seccomp-fallback, --seccomp-errno, --seccomp-cache.
void add_seccomp_flags(cxxopts::Options& options);
SeccompSettings seccomp_settings(const cxxopts::ParseResult& args);
// ${XDG_CACHE_HOME:-~/.cache}/imgstrip/NAME; empty without a home.
std::filesystem::path user_cache_dir(std::string_view name);

}  // namespace imgstrip::cli
