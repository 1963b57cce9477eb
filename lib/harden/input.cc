#include "harden/input.h"

#include <algorithm>
#include <charconv>

#include "core/error.h"
#include "harden/run_user.h"

namespace imgstrip {

std::string Port::text() const {
  return fmt::format("{}/{}", number, protocol);
}

Port parse_port(std::string_view text) {
  Port port;
  std::string_view number = text;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    number = text.substr(0, slash);
    port.protocol = std::string(text.substr(slash + 1));
    std::transform(port.protocol.begin(), port.protocol.end(), port.protocol.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  if (port.protocol != "tcp" && port.protocol != "udp" && port.protocol != "sctp") {
    fail("exposed port {:?}: protocol must be tcp, udp or sctp", text);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || value == 0 ||
      value > 65535) {
    fail("exposed port {:?}: not a port number (1-65535)", text);
  }
  port.number = static_cast<uint16_t>(value);
  return port;
}

std::string sanitize_policy_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    if (ok) {
      out += lower;
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (out.empty()) fail("policy name {:?}: no letters or digits in it", name);
  if (out[0] >= '0' && out[0] <= '9') out = "c_" + out;
  if (out.size() > 40) {
    out.resize(40);
    while (out.back() == '_')
      out.pop_back();
  }
  return out;
}

std::string policy_name(std::string_view image) {
  std::string_view s = image;
  // Transport prefixes as skopeo names them.
  for (std::string_view prefix :
       {"docker://", "oci:", "docker-archive:", "docker-daemon:", "containers-storage:"}) {
    if (s.starts_with(prefix)) s.remove_prefix(prefix.size());
  }
  if (auto at = s.find('@'); at != std::string_view::npos) s = s.substr(0, at);
  if (auto slash = s.rfind('/'); slash != std::string_view::npos) s = s.substr(slash + 1);
  if (auto colon = s.find(':'); colon != std::string_view::npos) s = s.substr(0, colon);
  return sanitize_policy_name(s);
}

bool starts_as_root(std::string_view user) {
  std::string_view who = user.substr(0, user.find(':'));
  return who.empty() || who == "root" || who == "0";
}

HardenInput harden_input(std::string_view image, const ImageConfig& config, const FileTree& tree,
                         const std::vector<std::string>& kept,
                         std::optional<std::set<std::string>> syscalls) {
  HardenInput input;
  input.image = std::string(image);
  input.exposed_ports = config.exposed_ports();
  input.volumes = config.volumes();
  input.user = config.user();
  if (auto ids = user_ids(tree, input.user)) input.run_uid = ids->uid;
  input.health_check = config.health_check();
  input.syscalls = std::move(syscalls);
  for (const std::string& path : kept) {
    const Entry* e = tree.find(path);
    if (e == nullptr) continue;
    KeptPath k{e->path, e->type, e->mode, e->uid, e->gid};
    for (const auto& [name, value] : e->xattrs) {
      if (name != kFileCapsXattr) continue;
      k.has_file_caps = true;
      k.file_caps = parse_file_caps(value);
    }
    input.kept.push_back(std::move(k));
  }
  std::sort(input.kept.begin(), input.kept.end(),
            [](const KeptPath& a, const KeptPath& b) { return a.path < b.path; });
  input.kept.erase(
      std::unique(input.kept.begin(), input.kept.end(),
                  [](const KeptPath& a, const KeptPath& b) { return a.path == b.path; }),
      input.kept.end());
  return input;
}

std::vector<Port> ports(const HardenInput& input) {
  std::vector<Port> out;
  for (const std::string& p : input.exposed_ports)
    out.push_back(parse_port(p));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool keeps_setid_binaries(const HardenInput& input) {
  if (input.setid_binaries) return *input.setid_binaries;
  return std::any_of(input.kept.begin(), input.kept.end(),
                     [](const KeptPath& k) { return k.setid(); });
}

bool keeps_privileged_programs(const HardenInput& input) {
  if (keeps_setid_binaries(input)) return true;
  return std::any_of(input.kept.begin(), input.kept.end(), [](const KeptPath& k) {
    return k.type == FileType::Regular && k.has_file_caps;
  });
}

std::string input_name(const HardenInput& input) {
  return input.name.empty() ? policy_name(input.image) : sanitize_policy_name(input.name);
}

}  // namespace imgstrip
