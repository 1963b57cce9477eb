#include "harden/compose.h"

#include <fmt/format.h>

#include "harden/yaml_text.h"

namespace imgstrip {

std::string compose_service(const RunConfig& config, const std::string& service,
                            const std::string& image) {
  std::string y = "# Written by imgstrip: the stripped image under its hardening.\n";
  y += "services:\n";
  y += fmt::format("  {}:\n", yaml_quote(service));
  y += fmt::format("    image: {}\n", yaml_quote(image));
  if (config.read_only) y += "    read_only: true\n";
  std::vector<std::string> security;
  if (config.seccomp_file) {
    security.push_back("seccomp=" + *config.seccomp_file);
  } else if (config.seccomp_label) {
    y += "    # The seccomp profile is in the image label io.containers.seccomp.profile;\n"
         "    # `imgstrip run-args IMAGE -o FILE` writes it to a file for security_opt.\n";
  }
  if (config.no_new_privileges) security.push_back("no-new-privileges:true");
  if (!security.empty()) {
    y += "    security_opt:\n";
    for (const std::string& s : security)
      y += fmt::format("      - {}\n", yaml_quote(s));
  }
  y += "    cap_drop:\n      - \"ALL\"\n";
  if (!config.capabilities.empty()) {
    y += "    cap_add:\n";
    for (const std::string& c : config.capabilities)
      y += fmt::format("      - {}\n", yaml_quote(c));
  }
  if (config.read_only) {
    std::vector<std::string> tmpfs, volumes;
    for (const WritableMount& w : config.writable) {
      if (w.volume) continue;
      (w.content ? volumes : tmpfs).push_back(w.path);
    }
    if (!tmpfs.empty()) {
      y += "    tmpfs:\n";
      for (const std::string& t : tmpfs)
        y += fmt::format("      - {}\n", yaml_quote(t));
    }
    if (!volumes.empty()) {
      y += "    # The image has files in these: anonymous volumes, which the engine fills from "
           "it.\n";
      y += "    volumes:\n";
      for (const std::string& v : volumes)
        y += fmt::format("      - {}\n", yaml_quote(v));
    }
  }
  return y;
}

}  // namespace imgstrip
