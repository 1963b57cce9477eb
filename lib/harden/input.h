// What hardening knows about a stripped image: its name, ports, volumes, user, the
// syscalls the seccomp analysis allows and the paths that stay. Everything else in
// lib/harden is derived from a HardenInput, so tests can build one by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"
#include "harden/file_caps.h"
#include "harden/script_writes.h"
#include "oci/config.h"

namespace imgstrip {

// A kept path with what the policies need to know about it.
struct KeptPath {
  std::string path;  // relative, no leading '/' ("usr/sbin/nginx")
  FileType type = FileType::Regular;
  uint32_t mode = 0644;
  uint32_t uid = 0;
  uint32_t gid = 0;

  // A security.capability xattr (file capabilities), and what it grants (nullopt when the
  // value is malformed: the kernel would refuse to run the file).
  bool has_file_caps = false;
  std::optional<FileCaps> file_caps{};

  bool executable() const { return type == FileType::Regular && (mode & 0111) != 0; }
  bool setid() const { return type == FileType::Regular && (mode & 06000) != 0; }
};

// An exposed port of the image config ("80/tcp", "53/udp", "8080").
struct Port {
  uint16_t number = 0;
  std::string protocol = "tcp";  // tcp, udp or sctp

  std::string text() const;  // "80/tcp"
  bool operator<(const Port& o) const {
    return number != o.number ? number < o.number : protocol < o.protocol;
  }
  bool operator==(const Port& o) const = default;
};

// Parses "80", "80/tcp", "53/udp"; throws Error on anything else (ranges included).
Port parse_port(std::string_view text);

struct HardenInput {
  std::string image;  // the image reference, for the report ("csvs2021-web_i:latest")
  std::string name;   // the policy name; empty: policy_name(image)
  std::vector<std::string> exposed_ports;  // as in the config: "80/tcp"
  std::vector<std::string> volumes;        // as in the config: "/var/www/data"
  std::string user;  // the config's User ("", "root", "0", "www-data:www-data")
  // Syscall names the seccomp analysis allows; nullopt when there was no analysis (every
  // syscall-based rule then counts as reachable, and the reasons say so).
  std::optional<std::set<std::string>> syscalls;
  std::vector<KeptPath> kept;  // sorted by path
  // The uid of the config user when it is not root and the image names it.
  std::optional<uint32_t> run_uid;
  // The config's HEALTHCHECK: a Pod's livenessProbe.
  std::optional<Healthcheck> health_check;
  // Directories the image's shell scripts write, make or change (script_writes.h).
  std::vector<WrittenPlace> script_writes;
  // Paths the user says the application writes (--writable), as given ("/app/uploads").
  std::vector<std::string> writable_paths;
  // Whether setuid/setgid binaries stay; nullopt: derived from `kept` modes.
  std::optional<bool> setid_binaries;
};

// "docker.io/library/csvs2021-web_i:latest" -> "csvs2021_web_i": the last component of the
// repository, lower case, every character outside [a-z0-9_] replaced by '_', runs of '_'
// collapsed, never starting with a digit ("c_" prefix) and at most 40 characters (the
// names become SELinux types NAME_t, NAME_rw_t... and an AppArmor profile name).
std::string policy_name(std::string_view image);

// A name as the user gave it, sanitised the same way (throws Error when nothing is left).
std::string sanitize_policy_name(std::string_view name);

// Whether the config user starts the image as root: "", "root", "0", "root:x", "0:x".
bool starts_as_root(std::string_view user);

// The HardenInput for an image whose kept paths are `kept` (paths of `tree`, any order).
// The lead's strip command calls this with the resolver's KeepSet keys and the seccomp
// syscall names.
HardenInput harden_input(std::string_view image, const ImageConfig& config, const FileTree& tree,
                         const std::vector<std::string>& kept,
                         std::optional<std::set<std::string>> syscalls);

// The ports of the input, parsed and sorted (duplicates removed).
std::vector<Port> ports(const HardenInput& input);
// Whether setuid/setgid binaries are kept (the flag, or else the modes of `kept`).
bool keeps_setid_binaries(const HardenInput& input);
// Whether a kept program gains privileges at exec: setuid/setgid, or file capabilities.
// no-new-privileges would take them away.
bool keeps_privileged_programs(const HardenInput& input);
// The policy name of the input (input.name sanitised, or derived from input.image).
std::string input_name(const HardenInput& input);

}  // namespace imgstrip
