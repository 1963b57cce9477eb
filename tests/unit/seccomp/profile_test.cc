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
  Profile p = make_profile(a, {OciRuntime::None, 38});
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
  Profile runc = make_profile(a, {OciRuntime::Runc, 38});
  Profile crun = make_profile(a, {OciRuntime::Crun, 38});
  Profile none = make_profile(a, {OciRuntime::None, 1});
  CHECK(none.allowed == std::vector<std::string>{"read"});
  CHECK(none.json.at("defaultErrnoRet") == 1);
  for (const Profile* p : {&runc, &crun}) {
    for (const char* n : {"execve", "capset", "setresuid", "setgroups", "prctl", "close"})
      CHECK(std::find(p->allowed.begin(), p->allowed.end(), n) != p->allowed.end());
  }
  CHECK(std::find(runc.allowed.begin(), runc.allowed.end(), "futex") != runc.allowed.end());
  CHECK(runc.allowed.size() > crun.allowed.size());
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
