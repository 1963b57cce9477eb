// Docker's HEALTHCHECK as an image config holds it ({"Test": [...], "Interval": ns,
// "Timeout": ns, "StartPeriod": ns, "Retries": n}) and as the engine runs it: Test
// ["CMD", argv...] is run as that argv, ["CMD-SHELL", "text"] with the config's Shell
// (Docker's SHELL instruction) or /bin/sh -c, ["NONE"] turns off a check the base image
// set. Read by the resolver (what the check runs stays), verify (it runs the check) and
// the Kubernetes Pod (a livenessProbe, as `podman kube generate` makes one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oci/manifest.h"

namespace imgstrip {

struct Healthcheck {
  std::vector<std::string> command;  // the argv the engine runs inside the container
  // As set; unset: the engine's default (30 s, 30 s, 0 s, 3).
  std::optional<int64_t> interval_ns, timeout_ns, start_period_ns;
  std::optional<int64_t> retries;
};

// nullopt for no check, NONE or a malformed one; `unknown_type` (when given) receives a
// Test type other than CMD, CMD-SHELL and NONE, which is not run.
std::optional<Healthcheck> parse_healthcheck(const Json& healthcheck,
                                             std::vector<std::string> shell,
                                             std::string* unknown_type = nullptr);

}  // namespace imgstrip
