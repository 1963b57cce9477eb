// The system calls of the init process an engine puts in front of the container's own
// process when it runs with --init: Docker's docker-init (tini; compose's `init: true`)
// and podman's catatonit. The engine bind-mounts it from the host and runs it as PID 1
// under the container's seccomp filter, so a profile that allows only what the image's
// programs need kills such a container at once ("failed to create signalfd", "Unexpected
// error in sigtimedwait").
//
// Both are small static C programs (krallin/tini src/tini.c, openSUSE/catatonit
// catatonit.c): block the signals, fork the container's command (in the child: a new
// process group, the terminal's foreground group, the old signal mask, execvp), then wait
// for signals (tini: sigtimedwait; catatonit: a signalfd it reads), forward them with
// kill and reap children with waitpid; outside a PID namespace they make themselves the
// child subreaper (prctl). The lists are what imgstrip's own analysis finds in Debian's
// static builds (tini-static, catatonit, glibc: its start-up, stdio and exit paths
// included), checked by the e2e tests against the binaries on the test machine, plus the
// calls the same source makes through musl (fork, getpgid) and newer releases add
// (tini's respawn sleep, catatonit's chdir and close_range).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

enum class InitProcess : uint8_t { Tini, Catatonit };

std::string_view init_name(InitProcess i);  // "tini", "catatonit"
std::optional<InitProcess> parse_init(std::string_view name);

// "tini,catatonit" (or "both"), "tini", "catatonit", "none": the inits a profile allows.
std::optional<std::vector<InitProcess>> parse_inits(std::string_view list);
std::string inits_name(const std::vector<InitProcess>& inits);  // "tini, catatonit", "none"

// Names (as libseccomp spells them) the init needs; names the target architecture does
// not have (fork on aarch64) are skipped by the caller.
const std::vector<std::string_view>& init_syscalls(InitProcess i);

}  // namespace imgstrip
