// The system calls an OCI runtime itself makes after it has installed the container's
// seccomp filter and before (or while) it execs the container's process. A profile that
// allows only what the application needs must add these, or the container never starts.
//
// runc (libcontainer/standard_init_linux.go): without NoNewPrivileges the filter goes in
// before finalizeNamespace (close-on-exec of inherited fds, bounding set, setgroups,
// setresgid/setresuid, capset, chdir), then the exec fifo is opened and written, the fds
// closed (close_range or /proc/self/fd) and execve runs; the Go runtime around it needs its
// scheduler, signal and memory calls. crun (src/libcrun/container.c) is C and does the same
// identity and capability steps before execve(at), with fewer runtime calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace imgstrip {

enum class OciRuntime : uint8_t { Runc, Crun, None };

std::string_view runtime_name(OciRuntime r);  // "runc", "crun", "none"
std::optional<OciRuntime> parse_runtime(std::string_view name);
// Names (as libseccomp spells them) the runtime needs; empty for None. Names the target
// architecture does not have (e.g. "open" on aarch64) are skipped by the caller.
const std::vector<std::string_view>& runtime_syscalls(OciRuntime r);

}  // namespace imgstrip
