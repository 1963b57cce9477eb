// A udica-style CIL module for hosts with container-selinux: a block NAME that inherits
// udica's templates `container` (base_container.cil) and `restricted_net_container`
// (net_container.cil), the capabilities, name_bind on each exposed port's type, and rules
// for the volumes. The process type is NAME.process:
//   semodule -i NAME.cil /usr/share/udica/templates/{base_container.cil,net_container.cil}
//   podman run --security-opt label=type:NAME.process ...
#pragma once

#include <string>
#include <vector>

#include "harden/capabilities.h"
#include "harden/input.h"
#include "harden/options.h"
#include "harden/port_types.h"

namespace imgstrip {

// The udica templates the module inherits (file names under /usr/share/udica/templates).
std::vector<std::string> cil_templates(const HardenInput& input);

std::string selinux_cil(const HardenInput& input, const std::vector<Capability>& caps,
                        const PortTypes& port_types, const HardenOptions& options);

}  // namespace imgstrip
