// The directories an image writes to at run time: its declared volumes and the state,
// log, run, cache and temporary directories among the kept paths. The SELinux modules give
// them a read-write type and the AppArmor profile write access; everything else stays
// read-only.
#pragma once

#include <string>
#include <vector>

#include "harden/input.h"

namespace imgstrip {

struct WritableDir {
  std::string path;    // relative, no leading '/' ("var/log/nginx")
  std::string reason;  // "declared volume", "log directory"
  bool volume = false;
  uint32_t uid = 0;  // owner in the image (0 for volumes not in the tree)
  uint32_t mode = 0755;
  // Whether the image holds entries below it: a tmpfs would hide them, so a run
  // configuration mounts a volume (which the engine fills from the image) instead.
  bool content = false;
};

// Volumes first, then kept directories that match tmp, var/tmp, run, run/X, var/log/X,
// var/lib/X, var/cache/X, var/spool/X (X one level down; package-manager state such as
// var/lib/dpkg or var/cache/apt excluded). A directory below another one in the list is
// left out (the parent's rules cover it); then what the image's scripts write
// (HardenInput::script_writes) and the paths the user asked for
// (HardenInput::writable_paths). Sorted by path.
std::vector<WritableDir> writable_dirs(const HardenInput& input);

}  // namespace imgstrip
