// Flags shared by the commands, and the helpers that turn them into library requests.
#pragma once

#include <cxxopts.hpp>
#include <filesystem>
#include <string>
#include <string_view>

#include "oci/platform.h"
#include "registry/options.h"
#include "transport/transport.h"

namespace imgstrip::cli {

// The exit codes of every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Adds --platform, --creds, --authfile, --tls-verify, --cert-dir, --jobs, --quiet.
void add_transport_flags(cxxopts::Options& options);
RegistryOptions registry_options(const cxxopts::ParseResult& args);
Platform platform(const cxxopts::ParseResult& args);
bool quiet(const cxxopts::ParseResult& args);

// Parses argv for a command; prints help and exits 0 for --help. Throws UsageError.
cxxopts::ParseResult parse(cxxopts::Options& options, int argc, char** argv);

std::string human_size(uint64_t bytes);

// ${XDG_CACHE_HOME:-~/.cache}/imgstrip/NAME (seccomp analyses, the SELinux policy's port
// types); empty without a home.
std::filesystem::path user_cache_dir(std::string_view name);

// A source or destination as the user wrote it, with bare names resolved as docker does
// (the local engine first; see resolve_source / resolve_target). The engine is asked only
// for bare names.
Location source_location(const std::string& spec);
Location target_location(const std::string& spec);

}  // namespace imgstrip::cli
