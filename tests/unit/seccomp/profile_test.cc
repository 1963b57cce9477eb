// The generated profile: Docker/OCI format, names libseccomp knows, the clone and
// personality filters, and a filter libseccomp accepts when built from the JSON.
#include "seccomp/profile.h"

#include <seccomp.h>

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/tempdir.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;
using nlohmann::json;

namespace {

SyscallAnalysis fake_analysis(std::vector<std::string> names) {
  SyscallAnalysis a;
  a.arch = Arch::X86_64;
  for (const auto& n : names)
    a.syscalls.insert(*syscall_number(a.arch, n));
  return a;
}

scmp_compare op_of(const std::string& op) {
  if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  FAIL("unexpected op " << op);
  return SCMP_CMP_EQ;
}

uint32_t action_of(const json& rule) {
  std::string a = rule.at("action");
  if (a == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (a == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(rule.value("errnoRet", 1));
  FAIL("unexpected action " << a);
  return 0;
}

// Builds the filter the way an OCI runtime does from the JSON; libseccomp checks it.
void load_into_libseccomp(const json& p, uint32_t arch) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(p.at("defaultErrnoRet").get<int>()));
  REQUIRE(ctx);
  if (arch != seccomp_arch_native()) {
    REQUIRE(seccomp_arch_add(ctx, arch) == 0);
    REQUIRE(seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) == 0);
  }
  for (const auto& rule : p.at("syscalls")) {
    for (const auto& name : rule.at("names")) {
      int nr = seccomp_syscall_resolve_name_arch(arch, name.get<std::string>().c_str());
      INFO(name);
      REQUIRE(nr >= 0);
      std::vector<scmp_arg_cmp> args;
      if (rule.contains("args"))
        for (const auto& a : rule.at("args"))
          args.push_back({a.at("index").get<unsigned>(), op_of(a.at("op")),
                          a.at("value").get<uint64_t>(), a.value("valueTwo", uint64_t{0})});
      CHECK(seccomp_rule_add_array(ctx, action_of(rule), nr, static_cast<unsigned>(args.size()),
                                   args.data()) == 0);
    }
  }
  // Compiles the BPF program (without loading it into this process).
  CHECK(seccomp_export_bpf(ctx, -1) != 0);  // -1: invalid fd, but only after generation
  seccomp_release(ctx);
}

}  // namespace

TEST_CASE("profile format: default errno, native architecture, allow rule", "[seccomp][profile]") {
  auto a = fake_analysis({"read", "write", "exit_group", "clone", "clone3", "personality"});
  Profile p = make_profile(a, {OciRuntime::None, 38, {}});
  const json& j = p.json;
  CHECK(j.at("defaultAction") == "SCMP_ACT_ERRNO");
  CHECK(j.at("defaultErrnoRet") == 38);
  CHECK(j.at("archMap").at(0).at("architecture") == "SCMP_ARCH_X86_64");
  CHECK_FALSE(j.contains("architectures"));  // Docker rejects both keys together
  auto names = j.at("syscalls").at(0).at("names").get<std::vector<std::string>>();
  CHECK(names == std::vector<std::string>{"exit_group", "read", "write"});
  CHECK(p.denied == std::vector<std::string>{"clone3"});

  // clone: only without namespace flags, as Docker's default.
  bool clone = false, clone3_enosys = false;
  std::set<uint64_t> personalities;
  for (const auto& r : j.at("syscalls")) {
    auto n = r.at("names").get<std::vector<std::string>>();
    if (n == std::vector<std::string>{"clone"}) {
      clone = true;
      CHECK(r.at("args").at(0).at("op") == "SCMP_CMP_MASKED_EQ");
      CHECK(r.at("args").at(0).at("value") == 2114060288u);
      CHECK(r.at("args").at(0).at("valueTwo") == 0);
    }
    if (n == std::vector<std::string>{"personality"})
      personalities.insert(r.at("args").at(0).at("value").get<uint64_t>());
    if (n == std::vector<std::string>{"clone3"})
      clone3_enosys = r.at("action") == "SCMP_ACT_ERRNO" && r.at("errnoRet") == 38;
  }
  CHECK(clone);
  CHECK(clone3_enosys);
  CHECK(personalities == std::set<uint64_t>{0, 8, 131072, 131080, 4294967295u});
}

TEST_CASE("runtime baselines are added and named", "[seccomp][profile]") {
  auto a = fake_analysis({"read"});
  Profile runc = make_profile(a, {OciRuntime::Runc, 38, {}});
  Profile crun = make_profile(a, {OciRuntime::Crun, 38, {}});
  Profile none = make_profile(a, {OciRuntime::None, 1, {}});
  CHECK(none.allowed == std::vector<std::string>{"read"});
  CHECK(none.json.at("defaultErrnoRet") == 1);
  for (const Profile* p : {&runc, &crun}) {
    for (const char* n : {"execve", "capset", "setresuid", "setgroups", "prctl", "close"})
      CHECK(std::find(p->allowed.begin(), p->allowed.end(), n) != p->allowed.end());
  }
  CHECK(std::find(runc.allowed.begin(), runc.allowed.end(), "futex") != runc.allowed.end());
  CHECK(runc.allowed.size() > crun.allowed.size());
}

TEST_CASE("an --init process's calls are added and named", "[seccomp][profile]") {
  auto a = fake_analysis({"read", "wait4"});
  auto has = [](const std::vector<std::string>& v, const char* n) {
    return std::find(v.begin(), v.end(), n) != v.end();
  };
  Profile tini = make_profile(a, {OciRuntime::None, 38, {InitProcess::Tini}});
  Profile cat = make_profile(a, {OciRuntime::None, 38, {InitProcess::Catatonit}});
  Profile both = make_profile(a, {});
  // tini waits with sigtimedwait, catatonit reads a signalfd; both fork, kill and reap.
  CHECK(has(tini.allowed, "rt_sigtimedwait"));
  CHECK_FALSE(has(tini.allowed, "signalfd4"));
  CHECK(has(cat.allowed, "signalfd4"));
  CHECK_FALSE(has(cat.allowed, "rt_sigtimedwait"));
  for (const Profile* p : {&tini, &cat, &both})
    for (const char* n : {"clone", "fork", "kill", "setpgid", "execve", "ioctl", "wait4"})
      CHECK(has(p->allowed, n));
  // from_init: only what the analysis (and the runtime) did not find.
  CHECK(has(tini.from_init, "kill"));
  CHECK_FALSE(has(tini.from_init, "wait4"));
  CHECK_FALSE(has(tini.from_init, "read"));
  CHECK_FALSE(has(both.from_init, "execve"));  // runc's
  CHECK(has(both.from_init, "signalfd4"));
  CHECK(has(both.from_init, "rt_sigtimedwait"));
  // Names an architecture does not have are left out (aarch64 has no fork).
  SyscallAnalysis arm = fake_analysis({});
  arm.arch = Arch::Aarch64;
  Profile pa = make_profile(arm, {OciRuntime::None, 38, {InitProcess::Tini}});
  CHECK_FALSE(has(pa.allowed, "fork"));
  CHECK(has(pa.allowed, "clone"));
  load_into_libseccomp(pa.json, SCMP_ARCH_AARCH64);
  load_into_libseccomp(both.json, SCMP_ARCH_X86_64);
}

TEST_CASE("--seccomp-init values", "[seccomp][profile]") {
  using V = std::vector<InitProcess>;
  CHECK(parse_inits("none") == V{});
  CHECK(parse_inits("both") == V{InitProcess::Tini, InitProcess::Catatonit});
  CHECK(parse_inits("catatonit,tini") == V{InitProcess::Tini, InitProcess::Catatonit});
  CHECK(parse_inits("tini,tini") == V{InitProcess::Tini});
  CHECK(parse_inits("catatonit") == V{InitProcess::Catatonit});
  for (const char* bad : {"", "dumb-init", "tini,", ",tini", "tini,,catatonit", "None"})
    CHECK_FALSE(parse_inits(bad));
  CHECK(inits_name({}) == "none");
  CHECK(inits_name({InitProcess::Tini, InitProcess::Catatonit}) == "tini, catatonit");
}

TEST_CASE("a profile of real programs loads into libseccomp", "[seccomp][profile]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "p", "#include <stdio.h>\nint main(void){puts(\"x\");return 0;}\n",
                     "-O2");
  SyscallAnalysis a = analyze_host({exe});
  Profile p = make_profile(a);
  load_into_libseccomp(p.json, SCMP_ARCH_X86_64);
  // Every allowed syscall is explained (by the analysis or the runtime baseline).
  json why = explain_json(a);
  for (int nr : a.syscalls)
    CHECK(why.contains(syscall_label(a.arch, nr)));

  // aarch64 names resolve too.
  SyscallAnalysis arm = fake_analysis({});
  arm.arch = Arch::Aarch64;
  for (auto n : {"openat", "clone", "personality", "getpid"})
    arm.syscalls.insert(*syscall_number(Arch::Aarch64, n));
  Profile pa = make_profile(arm);
  CHECK(pa.json.at("archMap").at(0).at("architecture") == "SCMP_ARCH_AARCH64");
  CHECK(std::find(pa.allowed.begin(), pa.allowed.end(), "open") == pa.allowed.end());
  load_into_libseccomp(pa.json, SCMP_ARCH_AARCH64);
}
