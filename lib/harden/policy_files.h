// The policy directory (--policy-dir DIR): NAME.te, NAME.fc, NAME.cil, NAME.apparmor and a
// README with the commands to load and use each.
#pragma once

#include <filesystem>
#include <string>

#include "harden/harden.h"

namespace imgstrip {

// The README of a policy directory: what each file is and the commands to load and use it.
std::string policy_readme(const HardenResult& result);

// Writes NAME.te, NAME.fc, NAME.cil, NAME.apparmor and README into `dir` (created when
// missing; files of the same names are replaced). Throws Error on failure.
void write_policy_dir(const HardenResult& result, const std::filesystem::path& dir);

}  // namespace imgstrip
