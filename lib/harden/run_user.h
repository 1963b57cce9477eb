// The user a container of the image runs as, as runc finds it: the config's User
// ("www-data", "33", "www-data:www-data", "33:33") looked up in the image's etc/passwd and
// etc/group.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "fs/tree.h"

namespace imgstrip {

struct UserIds {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// nullopt for root (or no User) and for a name passwd or group does not have. A number
// need not be in passwd; it takes the group of the passwd line with that uid (else 0).
std::optional<UserIds> user_ids(const FileTree& tree, std::string_view user);

}  // namespace imgstrip
