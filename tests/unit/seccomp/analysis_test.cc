// The analysis on small programs compiled here, with known system calls: what is reachable
// must be found, what is not reachable must not.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/tempdir.h"
#include "seccomp/analysis_cache.h"
#include "seccomp/profile.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

// No libc: _start, an inline-asm syscall helper, a function called through a pointer in
// data, a function nobody calls, a wrapper whose number is its argument.
const char* kFreestandingX86 = R"(
static inline long raw(long n) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
  return r;
}
__attribute__((noinline)) long wrapper(long n, long a) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
  return r;
}
__attribute__((noinline)) void never_called(void) { raw(246); /* kexec_load */ }
__attribute__((noinline)) void via_pointer(void) { raw(170); /* sethostname */ }
void (*volatile hook)(void) = via_pointer;
volatile int knob = 6;
__attribute__((noinline)) void work(int k) {
  raw(163);            /* acct */
  wrapper(39, 0);      /* getpid, through the wrapper */
  if (k > 3) wrapper(k > 5 ? 97 : 98, 0);  /* getrlimit or getrusage */
  hook();
}
void _start(void) {
  work(knob);
  raw(60);  /* exit */
  for (;;) {}
}
)";

}  // namespace

TEST_CASE("freestanding x86_64: reachable sites, wrapper calls, address-taken functions",
          "[seccomp][analysis]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "free", kFreestandingX86,
                     "-O2 -static -nostdlib -no-pie -fno-stack-protector -fcf-protection=none");
  SyscallAnalysis a = analyze_host({exe});
  INFO(explain_text(a));
  CHECK(allows(a, "acct"));
  CHECK(allows(a, "getpid"));
  CHECK(allows(a, "getrlimit"));
  CHECK(allows(a, "getrusage"));
  CHECK(allows(a, "exit"));
  CHECK(allows(a, "sethostname"));       // address taken: may be called through `hook`
  CHECK_FALSE(allows(a, "kexec_load"));  // nothing reaches never_called
  CHECK(a.syscalls.size() == 6);
  for (const auto& u : a.unresolved)
    FAIL_CHECK(u.object << " " << u.function << " " << u.site << ": " << u.why);
  auto nr = *syscall_number(Arch::X86_64, "getpid");
  REQUIRE(a.reasons.count(nr));
  CHECK(a.reasons.at(nr).function == "work");
  CHECK(a.reasons.at(nr).wrapper.ends_with("!wrapper"));
  CHECK(a.reasons.at(nr).chain.front().find("_start") != std::string::npos);

  // The object alone: the wrapper is found, the unreachable site is there.
  ObjectAnalysis o = analyze_file(exe);
  bool wrapper = false, kexec = false;
  for (const auto& f : o.functions) {
    if (f.name == "wrapper") wrapper = f.number_param == 0;
    for (const auto& s : f.syscalls)
      for (auto c : s.number.constants)
        kexec = kexec || c == 246;
  }
  CHECK(wrapper);
  CHECK(kexec);
}

TEST_CASE("dynamic x86_64: syscall() through libc's PLT, unreachable code left out",
          "[seccomp][analysis]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "dyn", R"(
#include <sys/syscall.h>
#include <unistd.h>
__attribute__((noinline)) void never_called(void) { syscall(SYS_kexec_load, 0, 0, 0, 0); }
int main(void) { return (int)syscall(SYS_getpid); }
)",
                     "-O2");
  SyscallAnalysis a = analyze_host({exe});
  CHECK(allows(a, "getpid"));
  CHECK_FALSE(allows(a, "kexec_load"));
  auto nr = *syscall_number(Arch::X86_64, "getpid");
  REQUIRE(a.reasons.count(nr));
  // The loader and libc make getpid too; any explanation must start at a root.
  CHECK_FALSE(a.reasons.at(nr).chain.empty());
  CHECK(allows(a, "exit_group"));
  CHECK(allows(a, "mmap"));  // the loader maps libc
  CHECK(a.syscalls.size() < 120);
  INFO("dynamic main + libc + loader: " << a.syscalls.size() << " syscalls");
  WARN("dynamic test program: " << a.syscalls.size() << " syscalls, " << a.reachable_functions
                                << "/" << a.functions << " functions reachable");
}

TEST_CASE("a function whose address is taken in a PIE is reachable", "[seccomp][analysis]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "pie", R"(
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
static void on_signal(int s) { (void)s; syscall(SYS_sethostname, "x", 1); }
__attribute__((noinline)) void unused(void) { syscall(SYS_kexec_load, 0, 0, 0, 0); }
int main(void) { signal(SIGUSR1, on_signal); return 0; }
)",
                     "-O2 -fPIE -pie");
  SyscallAnalysis a = analyze_host({exe});
  CHECK(allows(a, "sethostname"));
  CHECK_FALSE(allows(a, "kexec_load"));
}

TEST_CASE("aarch64: svc #0 with constants in w8 and a wrapper", "[seccomp][analysis][aarch64]") {
  if (!have_tool("aarch64-linux-gnu-gcc")) {
    FAIL("aarch64-linux-gnu-gcc missing (scripts/setup.sh installs gcc-aarch64-linux-gnu)");
  }
  TempDir tmp;
  auto exe = compile(tmp.path(), "arm", R"(
static inline long raw(long n) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = 0;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
  return x0;
}
__attribute__((noinline)) long wrapper(long n) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = 0;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
  return x0;
}
__attribute__((noinline)) void never_called(void) { raw(104); /* kexec_load */ }
__attribute__((noinline)) void via_pointer(void) { raw(161); /* sethostname */ }
void (*volatile hook)(void) = via_pointer;
void _start(void) {
  raw(89);        /* acct */
  wrapper(172);   /* getpid */
  hook();
  raw(93);        /* exit */
  for (;;) {}
}
)",
                     "-O2 -static -nostdlib -no-pie -fno-stack-protector", "aarch64-linux-gnu-gcc");
  ObjectAnalysis o = analyze_file(exe);
  CHECK(o.arch == Arch::Aarch64);
  SyscallAnalysis a = analyze_host({exe});
  CHECK(a.arch == Arch::Aarch64);
  CHECK(allows(a, "acct"));
  CHECK(allows(a, "getpid"));
  CHECK(allows(a, "sethostname"));
  CHECK(allows(a, "exit"));
  CHECK_FALSE(allows(a, "kexec_load"));
  CHECK(a.unresolved.empty());
}

TEST_CASE("an unknown number is reported with object and address", "[seccomp][analysis]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "unk", R"(
volatile long number = 39;
void _start(void) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(number) : "rcx", "r11", "memory");
  __asm__ volatile("syscall" : "=a"(r) : "a"(60L) : "rcx", "r11", "memory");
  for (;;) {}
}
)",
                     "-O2 -static -nostdlib -no-pie -fno-stack-protector");
  SeccompOptions opts;
  SyscallAnalysis a = analyze_host({exe}, opts);
  REQUIRE(a.unresolved.size() == 1);
  CHECK(a.unresolved[0].object.ends_with("unk"));
  CHECK(a.unresolved[0].function == "_start");
  CHECK(a.unresolved[0].site != 0);

  opts.fallback = FallbackPolicy::Fail;
  CHECK_THROWS_AS(analyze_host({exe}, opts), Error);
  opts.fallback = FallbackPolicy::AllowAllKnown;
  SyscallAnalysis all = analyze_host({exe}, opts);
  CHECK(all.syscalls.size() == known_syscalls(Arch::X86_64).size());
}

TEST_CASE("per-object results are cached by content digest", "[seccomp][cache]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "c", kFreestandingX86,
                     "-O2 -static -nostdlib -no-pie -fno-stack-protector");
  SeccompOptions opts;
  opts.cache_dir = tmp.path() / "cache";
  SyscallAnalysis cold = analyze_host({exe}, opts);
  CHECK(cold.cache_hits == 0);
  SyscallAnalysis warm = analyze_host({exe}, opts);
  CHECK(warm.cache_hits == 1);
  CHECK(warm.syscalls == cold.syscalls);
  // The JSON round trip keeps everything.
  ObjectAnalysis o = analyze_file(exe);
  CHECK(analysis_to_json(analysis_from_json(analysis_to_json(o))) == analysis_to_json(o));
  // A damaged entry is ignored and rewritten.
  for (const auto& e : fs::directory_iterator(opts.cache_dir))
    elf_test::write_text(e.path(), "{not json");
  SyscallAnalysis again = analyze_host({exe}, opts);
  CHECK(again.cache_hits == 0);
  CHECK(again.syscalls == cold.syscalls);
}

TEST_CASE("a content key names a cached analysis without the file's bytes", "[seccomp][cache]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "c", kFreestandingX86,
                     "-O2 -static -nostdlib -no-pie -fno-stack-protector");
  std::string bytes = read_file(exe, size_t{1} << 30);
  AnalysisCache cache(tmp.path() / "cache");
  CHECK(!cache.get_by_key("layers 123 usr/bin/c"));
  bool hit = true;
  ObjectAnalysis a = cache.analyze(bytes, "c", &hit, "layers 123 usr/bin/c");
  CHECK(!hit);
  auto by_key = cache.get_by_key("layers 123 usr/bin/c");
  REQUIRE(by_key);
  CHECK(analysis_to_json(*by_key) == analysis_to_json(a));
  CHECK(!cache.get_by_key("layers 123 usr/bin/d"));
  // A damaged alias is no entry; the next analysis with the key writes it again.
  for (const auto& e : fs::directory_iterator(tmp.path() / "cache"))
    if (e.path().filename().string().starts_with("key-")) elf_test::write_text(e.path(), "zz");
  CHECK(!cache.get_by_key("layers 123 usr/bin/c"));
  cache.analyze(bytes, "c", &hit, "layers 123 usr/bin/c");
  CHECK(hit);
  CHECK(cache.get_by_key("layers 123 usr/bin/c"));
  // Without a cache directory nothing is named.
  AnalysisCache none;
  none.analyze(bytes, "c", nullptr, "layers 123 usr/bin/c");
  CHECK(!none.get_by_key("layers 123 usr/bin/c"));
}

// A number in code that happens to equal a function's link-time address: in a position-
// dependent executable it may be that address, in position-independent code it cannot be
// (its addresses are formed relative to the code; the object loads anywhere).
TEST_CASE("an immediate is a function address only in position-dependent code",
          "[seccomp][analysis]") {
  const std::string source = R"(
static inline long raw(long n) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
  return r;
}
__attribute__((noinline, used, aligned(8192))) void unused(void) { raw(246); /* kexec_load */ }
volatile unsigned long seconds;
void _start(void) {
  seconds = ADDR;  /* a 32-bit immediate: its size does not depend on the value */
  raw(60);  /* exit */
  for (;;) {}
}
)";
  auto build = [&](const std::string& flags) {
    TempDir tmp;
    auto start_of_unused = [](const fs::path& exe) -> uint64_t {
      for (const auto& f : analyze_file(exe).functions)
        if (f.name == "unused") return f.start;
      return 0;
    };
    const std::string common = " -O2 -nostdlib -fno-stack-protector -fcf-protection=none ";
    auto first = compile(tmp.path(), "first", "#define ADDR 0x12345\n" + source, flags + common);
    uint64_t addr = start_of_unused(first);
    REQUIRE(addr > 0x1000);
    auto exe = compile(tmp.path(), "second", fmt::format("#define ADDR {:#x}\n", addr) + source,
                       flags + common);
    REQUIRE(start_of_unused(exe) == addr);  // same layout: the immediate is its address
    return analyze_host({exe});
  };
  SECTION("position-dependent (ET_EXEC): the number may be the address") {
    SyscallAnalysis a = build("-static -no-pie");
    CHECK(allows(a, "exit"));
    CHECK(allows(a, "kexec_load"));
  }
  SECTION("position-independent (static PIE): a number is a number") {
    SyscallAnalysis a = build("-static-pie -fPIE");
    CHECK(allows(a, "exit"));
    CHECK_FALSE(allows(a, "kexec_load"));
  }
}
