#include "harden/selinux_cil.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/text.h"
#include "harden/av_rules.h"
#include "harden/selinux_te.h"
#include "harden/writable.h"

namespace imgstrip {

std::vector<std::string> cil_templates(const HardenInput& input) {
  std::vector<std::string> out = {"base_container.cil"};
  if (!input.exposed_ports.empty()) out.push_back("net_container.cil");
  return out;
}

std::string selinux_cil(const HardenInput& input, const std::vector<Capability>& caps,
                        const PortTypes& port_types, const HardenOptions& options) {
  const std::string name = input_name(input);
  AvRules r;
  std::set<std::string> cap, cap2;
  for (const Capability& c : caps)
    (in_capability2(c.name) ? cap2 : cap).insert(c.lower());
  r.allow("process", "process", "capability", cap);
  r.allow("process", "process", "capability2", cap2);
  for (const Port& p : ports(input)) {
    r.allow("process", port_types.type_of(p), p.protocol + "_socket", {"name_bind"});
  }
  for (const std::string& text : options.connect_ports) {
    Port p = parse_port(text);
    if (p.protocol != "udp") {
      r.allow("process", port_types.type_of(p), p.protocol + "_socket", {"name_connect"});
    }
  }
  // Volumes: podman labels anonymous and named volumes (and bind mounts with :Z)
  // container_file_t; as udica does for a mount's type, allow managing it.
  bool volumes = false;
  for (const WritableDir& w : writable_dirs(input))
    volumes = volumes || w.volume;
  if (volumes) {
    const char* t = "container_file_t";
    r.allow(
        "process", t, "dir",
        {"open", "read", "getattr", "lock", "search", "ioctl", "add_name", "remove_name", "write"});
    r.allow("process", t, "file",
            {"getattr", "read", "write", "append", "ioctl", "lock", "map", "open", "create"});
    r.allow("process", t, "sock_file", {"getattr", "read", "write", "append", "open"});
  }

  std::string out;
  out += fmt::format("; {}.cil: udica-style SELinux module for the image {}, by imgstrip.\n", name,
                     one_line(input.image.empty() ? name : input.image));
  out += fmt::format("; semodule -i {}.cil /usr/share/udica/templates/{{{}}}\n", name,
                     fmt::join(cil_templates(input), ","));
  out += fmt::format("; podman run --security-opt label=type:{}.process ...\n", name);
  out += fmt::format("; Port types: {}.\n", port_types.source());
  out += fmt::format("(block {}\n", name);
  out += "    (blockinherit container)\n";
  if (!input.exposed_ports.empty()) out += "    (blockinherit restricted_net_container)\n";
  out += r.cil("    ");
  out += ")\n";
  return out;
}

}  // namespace imgstrip
