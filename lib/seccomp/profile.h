// A Docker/OCI seccomp profile (the JSON format of moby/profiles/seccomp/default.json, as
// podman, runc and crun read it) from a SyscallAnalysis: deny by default with an errno
// (ENOSYS, so libc falls back, e.g. from clone3 to clone), allow what the analysis found
// plus what the OCI runtime and the init an engine injects with --init need (tini,
// catatonit: init_baseline.h), and argument filters at least as strict as Docker's
// default for clone (no namespace flags) and personality (only the values Docker allows).
// clone3 is never allowed: its flags live in memory a filter cannot read, so it gets ENOSYS.
// socket, unshare and prctl are allowed only with the first arguments the analysis traced
// (argument_filter.h) when every reachable site's is known and neither the OCI runtime
// (after the filter is in place) nor an init makes the call itself.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "seccomp/call_graph.h"
#include "seccomp/init_baseline.h"
#include "seccomp/runtime_baseline.h"

namespace imgstrip {

struct ProfileOptions {
  OciRuntime runtime = OciRuntime::Runc;
  int errno_ret = 38;  // ENOSYS
  // Docker's --init (tini) and podman's (catatonit) by default: nothing in an image says
  // whether it is run with --init, and a missing call kills such a container at start.
  std::vector<InitProcess> inits = {InitProcess::Tini, InitProcess::Catatonit};
};

struct Profile {
  nlohmann::json json;
  std::vector<std::string> allowed;       // every name with an allow rule, sorted
  std::vector<std::string> from_runtime;  // allowed only because the runtime needs them
  std::vector<std::string> from_init;     // allowed only because an --init process needs them
  std::vector<std::string> denied;        // found by the analysis but refused (clone3)
  std::map<std::string, std::vector<uint64_t>> filtered;  // allowed with these first arguments
  std::map<std::string, std::string> unfiltered;          // traced but not filtered: why
};

Profile make_profile(const SyscallAnalysis& analysis, const ProfileOptions& options = {});

// "SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"
std::string_view seccomp_arch_name(Arch a);

// Per allowed syscall: who needs it and one shortest chain (JSON and human text).
nlohmann::json explain_json(const SyscallAnalysis& analysis);
std::string explain_text(const SyscallAnalysis& analysis);

}  // namespace imgstrip
