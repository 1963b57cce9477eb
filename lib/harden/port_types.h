// SELinux port types (http_port_t...) for exposed ports. They come from the target
// policy when one is installed on this machine (its portcon statements, read with setools'
// `seinfo --portcon`), otherwise from a built-in table of the standard (Fedora targeted /
// container-selinux) policy's defaults. The result says which source was used.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harden/input.h"

namespace imgstrip {

// One portcon statement: a protocol, an inclusive range and its type.
struct PortRule {
  std::string protocol;  // tcp, udp, sctp, dccp
  uint16_t low = 0;
  uint16_t high = 0;
  std::string type;  // http_port_t
};

class PortTypes {
 public:
  // The built-in table: 80 443 488 8008 8009 8443 9000 -> http_port_t; 3128 8080 8118
  // 10001-10010 -> http_cache_port_t; 3306 -> mysqld_port_t; 5432 -> postgresql_port_t;
  // 6379 -> redis_port_t; 11211 -> memcache_port_t; 22 -> ssh_port_t; 53 -> dns_port_t;
  // 25 -> smtp_port_t; 21 -> ftp_port_t; 389/636 -> ldap_port_t; 27017 -> mongod_port_t;
  // everything else 1-511 reserved_port_t, 512-1023 hi_reserved_port_t, 1024+
  // unreserved_port_t.
  static PortTypes builtin();
  // The lines of `seinfo POLICY --portcon` ("portcon tcp 80 system_u:object_r:http_port_t:s0",
  // "portcon tcp 1-511 ..."); other lines are ignored. Throws Error when none is found.
  static PortTypes parse_seinfo(std::string_view text, std::string source);
  // The installed policy: /etc/selinux/config's SELINUXTYPE (or the first policy found
  // under /etc/selinux/*/policy/), its highest policy.N, read with `seinfo` when that
  // program exists. nullopt when there is no policy or no seinfo (then use builtin()).
  // `selinux_root` is for tests ("/etc/selinux"). With a `cache_dir`, seinfo's answer is
  // kept there under the policy's SHA-256 and read back while the policy is the same.
  static std::optional<PortTypes> installed(const std::string& selinux_root = "/etc/selinux",
                                            const std::filesystem::path& cache_dir = {});

  // The type of the narrowest rule containing the port; "unreserved_port_t" /
  // "reserved_port_t" when none does.
  std::string type_of(const Port& port) const;
  // "built-in table of the standard policy's defaults" or "seinfo --portcon of
  // /etc/selinux/default/policy/policy.33".
  const std::string& source() const { return source_; }
  bool from_policy() const { return from_policy_; }
  const std::vector<PortRule>& rules() const { return rules_; }

 private:
  std::vector<PortRule> rules_;
  std::string source_;
  bool from_policy_ = false;
};

}  // namespace imgstrip
