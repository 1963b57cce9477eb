// A SELinux policy module in the reference-policy language, in the style of the CSVS
// coursework's hand-written docker_web.te: plain module syntax that `checkmodule -M -m`
// compiles without the refpolicy macros, a require block, a process type NAME_t (a
// domain) entered through NAME_exec_t, its capabilities, socket rules and name_bind on the
// port type of each exposed port, NAME_file_t (read) and NAME_rw_t (read-write) file types,
// plus the rules for container-selinux types inside `optional` blocks, which only apply
// on hosts that have them (so the module also installs into a policy without them).
#pragma once

#include <string>
#include <vector>

#include "harden/capabilities.h"
#include "harden/input.h"
#include "harden/options.h"
#include "harden/port_types.h"

namespace imgstrip {

struct TeModule {
  std::string te;                       // NAME.te
  std::string fc;                       // NAME.fc (may hold only comments)
  std::vector<std::string> port_rules;  // "80/tcp http_port_t", for the report
};

TeModule selinux_te(const HardenInput& input, const std::vector<Capability>& caps,
                    const PortTypes& port_types, const HardenOptions& options);

// Whether a capability belongs to the SELinux class capability2 (numbers 32 and up).
bool in_capability2(std::string_view name);

}  // namespace imgstrip
