// A compose service (compose.yaml) that runs a stripped image under its hardening: the
// same settings as the run flags (run_args.h), in the Compose Specification's keys
// (read_only, security_opt, cap_drop/cap_add, tmpfs, volumes), validated in the tests with
// `docker-compose -f FILE config`.
#pragma once

#include <string>

#include "harden/run_args.h"

namespace imgstrip {

// `service`: the service's name (the policy name); `image`: the image reference. The
// seccomp profile is config.seccomp_file (a path, relative to the compose file or
// absolute); without one the service runs under the engine's default profile and the
// file says so.
std::string compose_service(const RunConfig& config, const std::string& service,
                            const std::string& image);

}  // namespace imgstrip
