// The Linux capabilities an image needs, derived from its user, ports, kept files and the
// syscalls the seccomp analysis allows, each with the reasons it is needed.
//
// Rules (R = the image starts as root; "reachable" = in the allowed syscall set, or no
// syscall analysis was given):
//   SETUID            R and setuid/setreuid/setresuid/setfsuid reachable (drops to a worker
//                     user); or setuid/setgid binaries are kept and those syscalls reachable
//   SETGID            R and setgid/setregid/setresgid/setfsgid/setgroups reachable; or
//                     setid binaries kept and those reachable
//   CHOWN             R and chown/fchown/lchown/fchownat reachable
//   DAC_OVERRIDE      R, open/openat/mkdir reachable, and a kept path is owned by another
//                     user with mode bits that deny root what it needs (read and search;
//                     write inside a writable directory), e.g. nginx's var/lib/nginx/body
//                     (www-data, 0700), which the master process checks and creates
//   FOWNER            R, chmod/fchmod/fchmodat/utimensat reachable, and a writable directory
//                     (or a kept path in one) belongs to another user (root changes the mode
//                     of a file it does not own, as nginx does for its temp paths)
//   NET_BIND_SERVICE  an exposed port below 1024 (a non-root user needs it too, as an
//                     ambient or file capability)
//   KILL              R, kill/tgkill/tkill/rt_sigqueueinfo/pidfd_send_signal reachable, and
//                     SETUID derived: the root master signals workers running under another
//                     uid (nginx, php-fpm, apache); signals to itself need no capability
//   SYS_CHROOT        chroot reachable, and R or setid binaries kept
//   any               the permitted file capabilities (security.capability) of a kept
//                     program: exec grants them only within the bounding set
// Never derived from syscall names alone, only through HardenOptions::add_capabilities:
// NET_RAW (socket(…, SOCK_RAW) cannot be told from `socket` reachable), AUDIT_WRITE
// (a netlink audit socket, likewise), FSETID, SETPCAP, SETFCAP, MKNOD, SYS_ADMIN...
// podman honours io.containers.capabilities only for capabilities in its default set
// (CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID
// SYS_CHROOT); others need --cap-add as well.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harden/input.h"
#include "oci/manifest.h"

namespace imgstrip {

struct Capability {
  std::string name;  // upper case without the CAP_ prefix: "SETUID"
  std::vector<std::string> reasons;

  std::string lower() const;  // "setuid": SELinux capability permission, AppArmor rule
};

// Sorted by name. `add` are extra capability names ("NET_RAW", "cap_net_raw"), kept with
// the reason "requested"; an unknown name throws Error.
std::vector<Capability> derive_capabilities(const HardenInput& input,
                                            const std::vector<std::string>& add = {});

// "CAP_NET_RAW", "net_raw" -> "NET_RAW"; throws Error for names that are not Linux
// capabilities.
std::string capability_name(std::string_view name);

// The value of the image label io.containers.capabilities: names without CAP_, comma
// separated, no spaces ("CHOWN,NET_BIND_SERVICE,SETGID,SETUID"), the form podman's own
// tests and docs use. Empty for an empty set.
std::string capabilities_label(const std::vector<Capability>& caps);

// [{"name": "CAP_SETUID", "reasons": [...]}, ...] for the report.
Json capabilities_json(const std::vector<Capability>& caps);

}  // namespace imgstrip
