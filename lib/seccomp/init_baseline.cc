#include "seccomp/init_baseline.h"

#include <algorithm>

namespace imgstrip {

std::string_view init_name(InitProcess i) {
  return i == InitProcess::Tini ? "tini" : "catatonit";
}

std::optional<InitProcess> parse_init(std::string_view name) {
  if (name == "tini") return InitProcess::Tini;
  if (name == "catatonit") return InitProcess::Catatonit;
  return std::nullopt;
}

std::optional<std::vector<InitProcess>> parse_inits(std::string_view list) {
  std::vector<InitProcess> out;
  if (list == "none") return out;
  if (list == "both") return std::vector<InitProcess>{InitProcess::Tini, InitProcess::Catatonit};
  while (true) {
    size_t comma = list.find(',');
    auto i = parse_init(list.substr(0, comma));
    if (!i) return std::nullopt;
    if (std::find(out.begin(), out.end(), *i) == out.end()) out.push_back(*i);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string inits_name(const std::vector<InitProcess>& inits) {
  if (inits.empty()) return "none";
  std::string out;
  for (InitProcess i : inits) {
    if (!out.empty()) out += ", ";
    out += init_name(i);
  }
  return out;
}

const std::vector<std::string_view>& init_syscalls(InitProcess i) {
  // Both, from the source: fork (clone; musl's is fork), in the child setpgid/getpgrp
  // (musl: getpgid) and tcsetpgrp (ioctl), the signal mask and actions back, execvp; in
  // the parent kill, waitpid (wait4), prctl (the child subreaper outside a PID namespace);
  // and what the static libc around them reaches.
  static const std::vector<std::string_view> common = [] {
    std::vector<std::string_view> v = {
        "clock_gettime", "clone",     "execve",          "exit",         "exit_group",
        "fork",          "getpgid",   "getpgrp",         "getpid",       "ioctl",
        "kill",          "prctl",     "restart_syscall", "rt_sigaction", "rt_sigprocmask",
        "rt_sigreturn",  "setitimer", "setpgid",         "tgkill",       "wait4"};
    // stdio, getopt, execvp's search and the fallback that lists /proc/self/fd.
    for (std::string_view s :
         {"access", "close", "faccessat", "fcntl", "getcwd", "getdents64", "lseek", "newfstatat",
          "openat", "pread64", "read", "readlink", "readlinkat", "write", "writev"})
      v.push_back(s);
    // libc start-up and memory (TLS, rseq, robust list, random, limits, malloc).
    for (std::string_view s :
         {"arch_prctl", "brk", "futex", "getrandom", "gettid", "madvise", "mmap", "mprotect",
          "mremap", "munmap", "prlimit64", "rseq", "set_robust_list", "set_tid_address", "sysinfo"})
      v.push_back(s);
    // What static glibc's thread and spawn code reaches.
    for (std::string_view s :
         {"sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity", "sched_getparam",
          "sched_getscheduler", "sched_setscheduler", "sched_yield"})
      v.push_back(s);
    return v;
  }();
  static const std::vector<std::string_view> tini = [] {
    std::vector<std::string_view> v = common;
    // The main loop's sigtimedwait; sleep(1) before a respawn (-R, newer releases).
    for (std::string_view s : {"rt_sigtimedwait", "clock_nanosleep", "nanosleep"})
      v.push_back(s);
    return v;
  }();
  static const std::vector<std::string_view> catatonit = [] {
    std::vector<std::string_view> v = common;
    // The signalfd it reads, LISTEN_PID's getppid, chdir("/") and close_range of inherited
    // fds (newer releases; /proc/self/fd with getdents64 when it fails).
    for (std::string_view s : {"signalfd4", "getppid", "chdir", "close_range"})
      v.push_back(s);
    return v;
  }();
  return i == InitProcess::Tini ? tini : catatonit;
}

}  // namespace imgstrip
