// What a trace of the stripped container says went wrong: syscalls that failed with the
// seccomp profile's errno and are not in its allow list (the profile refused them), and
// absolute paths a file syscall did not find (ENOENT).
// The trace is strace's text (-f -Z: failed calls only, optionally "PID " prefixed).
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip::verify {

// The parts of a Docker/OCI seccomp profile (JSON) that say what it refuses.
struct SeccompProfile {
  std::set<std::string> allowed;  // names in any SCMP_ACT_ALLOW rule (argument filters or not)
  int errno_ret = 1;              // defaultErrnoRet; EPERM when absent, as runc does
  bool default_errno = false;     // defaultAction is SCMP_ACT_ERRNO
};
// Throws Error when `json` is not a profile.
SeccompProfile read_profile(std::string_view json);

struct FailedCall {
  std::string syscall;
  std::string error;  // "ENOENT"
  std::string path;   // the first string argument of a file syscall, "" otherwise
};
// Failed calls in strace's output; lines it cannot read are skipped.
std::vector<FailedCall> parse_strace(std::string_view text);

struct TraceFindings {
  std::vector<std::string> refused_syscalls;  // sorted, unique
  std::vector<std::string> missing_files;     // in first-seen order, unique
  size_t other_missing = 0;                   // ENOENT paths `matters` turned down
};
// `matters(path)` decides whether a path not found is worth reporting (verify: the original
// image has it). At most `max_files` files are listed.
TraceFindings find_problems(const std::vector<FailedCall>& calls, const SeccompProfile& profile,
                            const std::function<bool(const std::string&)>& matters,
                            size_t max_files = 50);

// Absolute paths a text (log lines) names, in first-seen order, unique: "/usr/lib/x.so" in
// "cannot open /usr/lib/x.so: No such file", without trailing punctuation.
std::vector<std::string> paths_in_text(std::string_view text, size_t max = 200);

// "ENOSYS" for 38, "errno 4095" for an unknown number.
std::string errno_name(int err);

}  // namespace imgstrip::verify
