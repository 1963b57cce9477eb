// File capabilities: the security.capability xattr (struct vfs_cap_data of
// include/uapi/linux/capability.h), what a program gains when it is executed. The kernel
// grants the file's permitted set only within the bounding set, and not at all under
// no-new-privileges; a program marked effective whose permitted set cannot be granted in
// full fails to start (EPERM).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

inline constexpr std::string_view kFileCapsXattr = "security.capability";

struct FileCaps {
  uint64_t permitted = 0;  // bit N: capability number N
  uint64_t inheritable = 0;
  bool effective = false;            // raised in the effective set at exec ("+ep")
  std::optional<uint32_t> root_uid;  // revision 3: the user namespace root it applies in
};

// The value as the kernel reads it: revision 1 (12 bytes), 2 (20) or 3 (24), little
// endian; nullopt for anything else (an unknown revision, a wrong size).
std::optional<FileCaps> parse_file_caps(std::string_view value);

// The capability numbers set in `mask`, ascending.
std::vector<unsigned> capability_numbers(uint64_t mask);

}  // namespace imgstrip
