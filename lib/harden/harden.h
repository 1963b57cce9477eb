// Hardening without running the image: from what the strip pipeline knows (ports,
// volumes, user, kept files, the seccomp syscall set) derive the capabilities, a SELinux
// module (reference-policy .te/.fc and udica-style CIL) and an AppArmor profile, plus the
// labels to bake into the image config. The lead's strip command calls harden() and
// write_policy_dir(); nothing here prints.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harden/capabilities.h"
#include "harden/input.h"
#include "harden/options.h"
#include "harden/run_args.h"
#include "harden/writable.h"
#include "oci/manifest.h"

namespace imgstrip {

// Label keys baked into the image config.
inline constexpr const char* kCapabilitiesLabel = "io.containers.capabilities";
inline constexpr const char* kSelinuxTypeLabel = "io.imgstrip.selinux.type";         // NAME_t
inline constexpr const char* kSelinuxCilTypeLabel = "io.imgstrip.selinux.cil.type";  // NAME.process
inline constexpr const char* kSelinuxTeLabel = "io.imgstrip.selinux.te";             // module text
inline constexpr const char* kSelinuxFcLabel = "io.imgstrip.selinux.fc";
inline constexpr const char* kSelinuxCilLabel = "io.imgstrip.selinux.cil";
inline constexpr const char* kApparmorProfileLabel = "io.imgstrip.apparmor.profile";  // NAME
inline constexpr const char* kApparmorLabel = "io.imgstrip.apparmor";                 // text

struct HardenResult {
  std::string name;  // the policy name: module NAME, types NAME_t, profile NAME
  std::vector<Capability> capabilities;
  std::string capabilities_label;  // "CHOWN,SETGID,SETUID"; "" for none
  std::vector<WritableDir> writable;
  std::string port_types_source;           // where the port types came from
  std::vector<std::string> port_rules;     // "80/tcp http_port_t"
  std::string te;                          // NAME.te
  std::string fc;                          // NAME.fc
  std::string cil;                         // NAME.cil
  std::vector<std::string> cil_templates;  // udica templates it inherits
  std::string apparmor;                    // NAME.apparmor
  // How to run the image: capabilities, a read-only root with the writable paths, no new
  // privileges unless a setid program stays (the seccomp file is the caller's to add).
  RunConfig run;
  std::optional<uint32_t> run_as_uid;         // the image's non-root user, when etc/passwd names it
  std::optional<Healthcheck> health_check;    // the image's HEALTHCHECK (a Pod's livenessProbe)
  std::map<std::string, std::string> labels;  // to set on the image config
  Json report;  // {"name", "capabilities": [{name, reasons}], "writable", "port_types"...}
};

HardenResult harden(const HardenInput& input, const HardenOptions& options = {});

}  // namespace imgstrip
