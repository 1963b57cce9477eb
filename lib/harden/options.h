// Choices for hardening that the image does not tell.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harden/port_types.h"

namespace imgstrip {

struct HardenOptions {
  // Capabilities to add to the derived ones ("NET_RAW"), each with the reason "requested".
  std::vector<std::string> add_capabilities;
  // Ports the application connects to ("3306/tcp"): name_connect rules in the SELinux
  // modules (the image config only lists the ports it listens on).
  std::vector<std::string> connect_ports;
  // Port types to use; nullopt: the installed policy's when query_installed_policy and one
  // is found, else PortTypes::builtin().
  std::optional<PortTypes> port_types;
  bool query_installed_policy = true;
  // Where the installed policy's port types are cached (PortTypes::installed); empty: none.
  std::filesystem::path policy_cache_dir;
  // The .fc file labels host directories meant to be mounted as the image's volumes and
  // state directories: FC_ROOT/NAME/<path in the image>. Labelling the image's own paths on
  // the host (/usr/sbin/nginx, /var/log/nginx) would relabel the host's files.
  std::string fc_root = "/var/lib/imgstrip";
  // Emit io.containers.capabilities="" for an empty set. podman before 4.7 refuses an
  // empty value ("capabilities requested by user or image are not valid"), so the default
  // is to leave the label out and say --cap-drop=all in the README.
  bool empty_capabilities_label = false;
  // Module texts are baked into labels only when they are at most this long (labels live
  // in the image config, which registries limit to a few MiB in total).
  size_t max_policy_label_bytes = 64 * 1024;
};

}  // namespace imgstrip
