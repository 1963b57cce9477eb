// restart_syscall: no code makes it, the kernel does, when a stopped or signalled process
// resumes an interrupted sleep. Proven on this kernel with a real filter, then derived.
#include <catch2/catch.hpp>

#include <seccomp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "core/tempdir.h"
#include "seccomp/profile.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

// A child sleeps 1 s in nanosleep under a filter that refuses restart_syscall (or not),
// and is stopped and continued meanwhile. Its exit status: 42 when the sleep failed with
// ENOSYS, 0 when it completed.
int stopped_sleep(bool refuse_restart) {
  pid_t pid = fork();
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) _exit(2);
    if (refuse_restart &&
        seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(restart_syscall), 0) != 0)
      _exit(3);
    if (seccomp_load(ctx) != 0) _exit(4);
    struct timespec ts = {1, 0};
    long r = syscall(SYS_nanosleep, &ts, nullptr);
    _exit(r == -1 && errno == ENOSYS ? 42 : 0);
  }
  REQUIRE(pid > 0);
  usleep(200 * 1000);
  int status = 0;
  kill(pid, SIGSTOP);
  REQUIRE(waitpid(pid, &status, WUNTRACED) == pid);
  CHECK(WIFSTOPPED(status));
  kill(pid, SIGCONT);
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("the kernel resumes a stopped nanosleep through restart_syscall", "[seccomp][kernel]") {
  CHECK(stopped_sleep(true) == 42);
  CHECK(stopped_sleep(false) == 0);
}

TEST_CASE("a profile allowing nanosleep allows restart_syscall, with nanosleep's chain",
          "[seccomp][kernel]") {
  TempDir tmp;
  auto sleeper = compile(tmp.path(), "sleeper", R"(
static inline long raw(long n, long a) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
  return r;
}
void _start(void) {
  static const long ts[2] = {1, 0};
  raw(35, (long)ts);  /* nanosleep */
  raw(60, 0);         /* exit */
  for (;;) {}
}
)",
                         "-O2 -static -nostdlib -no-pie -fno-stack-protector");
  SyscallAnalysis a = analyze_host({sleeper});
  INFO(explain_text(a));
  REQUIRE(allows(a, "restart_syscall"));
  const SyscallReason& r = a.reasons.at(*syscall_number(a.arch, "restart_syscall"));
  CHECK(r.function == "_start");
  CHECK(r.chain.back().find("interrupted nanosleep") != std::string::npos);
  CHECK(a.syscalls.size() == 3);

  auto awake = compile(tmp.path(), "awake", R"(
void _start(void) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(60L), "D"(0L) : "rcx", "r11", "memory");
  for (;;) {}
}
)",
                       "-O2 -static -nostdlib -no-pie -fno-stack-protector");
  CHECK_FALSE(allows(analyze_host({awake}), "restart_syscall"));
}
