// The policy directory (--policy-dir DIR): NAME.te, NAME.fc, NAME.cil, NAME.apparmor, for
// docker (which ignores the io.containers.* labels) NAME.seccomp.json and NAME.docker-run
// (the `docker run` flags), and a README with the commands to load and use each.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "harden/harden.h"

namespace imgstrip {

// The README of a policy directory: what each file is and the commands to load and use it.
// `docker_flags`: the `docker run` flags, when the directory has them.
std::string policy_readme(const HardenResult& result, const std::string& docker_flags = "");

// Writes NAME.te, NAME.fc, NAME.cil, NAME.apparmor, NAME.docker-run and README into `dir`
// (created when missing; files of the same names are replaced), and NAME.seccomp.json when
// there is a seccomp profile. Throws Error on failure.
// Also the run configurations: NAME.docker-run.args (one argument a line),
// NAME.compose.yaml and NAME.pod.yaml for `image`.
void write_policy_dir(const HardenResult& result, const std::filesystem::path& dir,
                      const std::optional<std::string>& seccomp_profile = std::nullopt,
                      const std::string& image = "IMAGE");

// Where write_policy_dir() puts the seccomp profile.
std::filesystem::path policy_seccomp_file(const HardenResult& result,
                                          const std::filesystem::path& dir);

}  // namespace imgstrip
