// Argument filters: the first arguments of socket, unshare and prctl traced through the C
// library's wrappers and the program's own functions, the profile rules they give, and the
// same rules enforced by the kernel.
#include "seccomp/argument_filter.h"

#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <catch2/catch.hpp>

#include "core/tempdir.h"
#include "seccomp/analysis_cache.h"
#include "seccomp/analysis_codec.h"
#include "seccomp/profile.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;
using nlohmann::json;

namespace {

const ArgumentValues& values_of(const SyscallAnalysis& a, std::string_view name) {
  auto nr = syscall_number(a.arch, name);
  REQUIRE(nr);
  auto it = a.arguments.find(*nr);
  REQUIRE(it != a.arguments.end());
  return it->second;
}

// Runs `child` in a process under the profile's rules, loaded as an OCI runtime loads them
// (plus exit_group, to report), and returns its exit status.
int run_under(const json& profile, int (*child)()) {
  pid_t pid = fork();
  if (pid == 0) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(profile.at("defaultErrnoRet").get<int>()));
    if (!ctx) _exit(100);
    for (const auto& rule : profile.at("syscalls")) {
      if (rule.at("action") != "SCMP_ACT_ALLOW") continue;
      for (const auto& name : rule.at("names")) {
        int nr = seccomp_syscall_resolve_name(name.get<std::string>().c_str());
        if (nr < 0) _exit(101);
        std::vector<scmp_arg_cmp> args;
        if (rule.contains("args"))
          for (const auto& a : rule.at("args"))
            args.push_back({a.at("index").get<unsigned>(),
                            a.at("op") == "SCMP_CMP_EQ" ? SCMP_CMP_EQ : SCMP_CMP_MASKED_EQ,
                            a.at("value").get<uint64_t>(), a.value("valueTwo", uint64_t{0})});
        if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, static_cast<unsigned>(args.size()),
                                   args.data()) != 0)
          _exit(102);
      }
    }
    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
    if (seccomp_load(ctx) != 0) _exit(103);
    _exit(child());
  }
  REQUIRE(pid > 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// 1 when socket(family) works, 2 when it fails with ENOSYS, 3 otherwise.
template <int Family>
int try_socket() {
  long fd = syscall(SYS_socket, Family, SOCK_STREAM, 0);
  if (fd >= 0) return 1;
  return errno == ENOSYS ? 2 : 3;
}

// A program of its own (no C library): a socket() of its own, called with two families,
// and a direct unshare.
constexpr const char* kFreestanding = R"(
static inline long raw(long n, long a, long b) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
  return r;
}
__attribute__((noinline, noipa)) long open_socket(long family) { return raw(41, family, 1); }
__attribute__((noinline, noipa)) long open_unix(void) { return open_socket(1); }
void _start(void) {
  open_unix();
  open_socket(10);       /* AF_INET6 */
  raw(272, 0x400, 0);    /* unshare(CLONE_FILES) */
  raw(60, 0, 0);         /* exit */
  for (;;) {}
}
)";

// Through the C library: its unshare() and prctl() pass their first argument on.
constexpr const char* kThroughLibc = R"(
#define _GNU_SOURCE
#include <sched.h>
#include <sys/prctl.h>
int main(int argc, char** argv) {
  (void)argv;
  if (argc > 2) unshare(CLONE_FILES | CLONE_FS);
  if (argc > 1) prctl(PR_SET_NAME, "t");
  return 0;
}
)";

}  // namespace

TEST_CASE("first arguments traced through the program's own functions", "[seccomp][arguments]") {
  TempDir tmp;
  // Position-independent, so that no header word holding a code address makes a root.
  auto exe = compile(tmp.path(), "traced", kFreestanding,
                     "-O2 -fPIE -static-pie -nostdlib -fno-stack-protector -fcf-protection=none");
  // What the object analysis records, and the cache's binary form keeps.
  ObjectAnalysis o = analyze_file(exe);
  std::map<std::string, const Function*> by_name;
  for (const Function& f : o.functions)
    by_name[f.name] = &f;
  REQUIRE(by_name.count("open_socket"));
  REQUIRE(by_name.count("open_unix"));
  CHECK(by_name["open_socket"]->argument_param == 0);
  REQUIRE(by_name["open_socket"]->syscalls.size() == 1);
  CHECK(by_name["open_socket"]->syscalls[0].arg0->param == 0);
  REQUIRE(by_name["open_unix"]->passes.size() == 1);
  CHECK(by_name["open_unix"]->passes[0].value.constants == std::vector<int64_t>{AF_UNIX});
  CHECK(analysis_to_json(decode_analysis(encode_analysis(o))) == analysis_to_json(o));
  CHECK(analysis_to_json(analysis_from_json(analysis_to_json(o))) == analysis_to_json(o));

  SyscallAnalysis a = analyze_host({exe});
  const ArgumentValues& socket = values_of(a, "socket");
  INFO(socket.why);
  CHECK_FALSE(socket.unknown);
  CHECK(socket.values == std::set<uint64_t>{AF_UNIX, AF_INET6});
  const ArgumentValues& unshare = values_of(a, "unshare");
  CHECK_FALSE(unshare.unknown);
  CHECK(unshare.values == std::set<uint64_t>{CLONE_FILES});
  CHECK(argument_value_name("unshare", CLONE_FILES | CLONE_NEWUSER | 0x40) ==
        "CLONE_FILES|CLONE_NEWUSER|0x40");
  CHECK(argument_value_name("socket", AF_NETLINK) == "AF_NETLINK");
  CHECK(argument_value_name("prctl", 4242) == "4242");

  Profile p = make_profile(a, {OciRuntime::Runc, 38, {}});
  CHECK(p.filtered.at("socket") == std::vector<uint64_t>{AF_UNIX, AF_INET6});
  CHECK(p.filtered.at("unshare") == std::vector<uint64_t>{CLONE_FILES});
  // One rule per value, and no unconditional socket rule.
  size_t socket_rules = 0;
  for (const auto& r : p.json.at("syscalls")) {
    auto names = r.at("names").get<std::vector<std::string>>();
    if (std::find(names.begin(), names.end(), "socket") == names.end()) continue;
    REQUIRE(r.contains("args"));
    CHECK(r.at("args").at(0).at("op") == "SCMP_CMP_EQ");
    ++socket_rules;
  }
  CHECK(socket_rules == 2);

  // The kernel enforces the rules as written: the families traced work, another does not.
  CHECK(run_under(p.json, try_socket<AF_UNIX>) == 1);
  CHECK(run_under(p.json, try_socket<AF_INET6>) == 1);
  CHECK(run_under(p.json, try_socket<AF_INET>) == 2);
}

TEST_CASE("first arguments traced through the C library's wrappers", "[seccomp][arguments]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "libc", kThroughLibc, "-O2");
  SyscallAnalysis a = analyze_host({exe});
  const ArgumentValues& unshare = values_of(a, "unshare");
  INFO(unshare.why);
  CHECK_FALSE(unshare.unknown);
  CHECK(unshare.values == std::set<uint64_t>{CLONE_FILES | CLONE_FS});
  const ArgumentValues& prctl = values_of(a, "prctl");
  INFO(prctl.why);
  REQUIRE_FALSE(prctl.unknown);
  CHECK(prctl.values.count(PR_SET_NAME));
  // Without a runtime calling prctl after the filter, prctl is filtered too; runc makes
  // prctl calls of its own after it, so there prctl stays unfiltered.
  Profile none = make_profile(a, {OciRuntime::None, 38, {}});
  CHECK(none.filtered.at("unshare") == std::vector<uint64_t>{CLONE_FILES | CLONE_FS});
  CHECK(none.filtered.count("prctl"));
  Profile runc = make_profile(a, {OciRuntime::Runc, 38, {}});
  CHECK(runc.filtered.count("unshare"));
  CHECK_FALSE(runc.filtered.count("prctl"));
  CHECK(runc.unfiltered.at("prctl").find("runc") != std::string::npos);
  // docker's and podman's --init make prctl calls of their own (the child subreaper).
  Profile init = make_profile(a, {OciRuntime::None, 38, {InitProcess::Catatonit}});
  CHECK(init.filtered.count("unshare"));
  CHECK_FALSE(init.filtered.count("prctl"));
  CHECK(init.unfiltered.at("prctl").find("catatonit") != std::string::npos);
}

TEST_CASE("an argument not traced leaves the call unfiltered, with the reason",
          "[seccomp][arguments]") {
  TempDir tmp;
  struct Case {
    const char* name;
    const char* code;
    const char* syscall;
    const char* why;
  };
  const Case cases[] = {
      {"computed", R"(
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
int main(int argc, char** argv) { return argc > 1 ? socket(atoi(argv[1]), SOCK_STREAM, 0) : 0; }
)",
       "socket", "main"},
      {"pointer", R"(
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
int (*volatile make)(int, int, int) = socket;
int main(void) { return make(AF_UNIX, SOCK_STREAM, 0); }
)",
       "socket", "reached through an address"},
      {"wrapper", R"(
#define _GNU_SOURCE
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) { return (int)syscall(SYS_unshare, CLONE_NEWUSER); }
)",
       "unshare", "through the syscall wrapper"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto exe = compile(tmp.path(), c.name, c.code, "-O2");
    SyscallAnalysis a = analyze_host({exe});
    REQUIRE(allows(a, c.syscall));
    const ArgumentValues& v = values_of(a, c.syscall);
    INFO(v.why);
    CHECK(v.unknown);
    CHECK(v.why.find(c.why) != std::string::npos);
    Profile p = make_profile(a, {OciRuntime::None, 38, {}});
    CHECK_FALSE(p.filtered.count(c.syscall));
    CHECK(p.unfiltered.at(c.syscall).starts_with(v.why));
    CHECK(std::find(p.allowed.begin(), p.allowed.end(), c.syscall) != p.allowed.end());
  }
}
