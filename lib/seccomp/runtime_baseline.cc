#include "seccomp/runtime_baseline.h"

namespace imgstrip {

std::string_view runtime_name(OciRuntime r) {
  switch (r) {
    case OciRuntime::Runc:
      return "runc";
    case OciRuntime::Crun:
      return "crun";
    case OciRuntime::None:
      return "none";
  }
  return "?";
}

std::optional<OciRuntime> parse_runtime(std::string_view name) {
  if (name == "runc") return OciRuntime::Runc;
  if (name == "crun") return OciRuntime::Crun;
  if (name == "none") return OciRuntime::None;
  return std::nullopt;
}

const std::vector<std::string_view>& runtime_syscalls(OciRuntime r) {
  // Identity, capabilities and exec: both runtimes.
  static const std::vector<std::string_view> crun = {
      "capget",    "capset",       "chdir",          "close",        "close_range", "dup2",
      "dup3",      "execve",       "execveat",       "exit_group",   "fchdir",      "fcntl",
      "fstat",     "getdents64",   "getpid",         "newfstatat",   "openat",      "prctl",
      "read",      "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "setgroups",   "setresgid",
      "setresuid", "setsid",       "write",          "brk",          "mmap",        "munmap",
      "mprotect",  "faccessat",    "faccessat2",     "statx"};
  // runc adds the Go runtime (threads, futexes, signals, the poller), the exec fifo and
  // the check that /proc/self/fd is on procfs (fstatfs) before it closes inherited fds.
  static const std::vector<std::string_view> runc = [] {
    std::vector<std::string_view> v = crun;
    for (std::string_view s : {"arch_prctl",  "clone",
                               "epoll_ctl",   "epoll_pwait",
                               "exit",        "futex",
                               "getppid",     "gettid",
                               "kill",        "madvise",
                               "nanosleep",   "pipe2",
                               "prlimit64",   "sched_getaffinity",
                               "sched_yield", "sigaltstack",
                               "tgkill",      "umask",
                               "waitid",      "write",
                               "readlinkat",  "mincore",
                               "getrlimit",   "setrlimit",
                               "uname",       "fstatfs"})
      v.push_back(s);
    return v;
  }();
  static const std::vector<std::string_view> none;
  switch (r) {
    case OciRuntime::Runc:
      return runc;
    case OciRuntime::Crun:
      return crun;
    case OciRuntime::None:
      return none;
  }
  return none;
}

}  // namespace imgstrip
