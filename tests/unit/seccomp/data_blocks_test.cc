// Function addresses in the data of position-independent objects count only when reachable
// code names the data holding them, directly or through other data.
#include <catch2/catch.hpp>

#include "core/tempdir.h"
#include "seccomp/profile.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

const char* kTables = R"(
#include <sys/syscall.h>
#include <unistd.h>
typedef void (*fn)(void);
__attribute__((noinline)) static void used_a(void) { syscall(SYS_sethostname, "x", 1); }
__attribute__((noinline)) static void used_b(void) { syscall(SYS_setdomainname, "x", 1); }
__attribute__((noinline)) static void unused_a(void) { syscall(SYS_kexec_load, 0, 0, 0, 0); }
__attribute__((noinline)) static void unused_b(void) { syscall(SYS_reboot, 0, 0, 0, 0); }
__attribute__((noinline)) static void nested(void) { syscall(SYS_acct, 0); }
static const fn used_table[] = {used_a, used_b};
static const fn unused_table[] = {unused_a, unused_b};
static const fn inner[] = {nested};
struct module { const char* name; const fn* table; };
static struct module mod = {"m", inner};  // writable: not folded
volatile int pick;
__attribute__((noinline)) void never_called(void) { unused_table[pick](); }
int main(void) {
  used_table[pick]();
  mod.table[pick]();
  return 0;
}
)";

}  // namespace

TEST_CASE("PIE: tables of function pointers count when reachable code names them",
          "[seccomp][analysis][data]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "tables", kTables, "-O1 -fPIE -pie");
  SyscallAnalysis a = analyze_host({exe});
  INFO(explain_text(a));
  CHECK(allows(a, "sethostname"));
  CHECK(allows(a, "setdomainname"));
  CHECK(allows(a, "acct"));  // through mod -> inner
  CHECK_FALSE(allows(a, "kexec_load"));
  CHECK_FALSE(allows(a, "reboot"));
  auto nr = *syscall_number(Arch::X86_64, "acct");
  REQUIRE(a.reasons.count(nr));
  CHECK(a.reasons.at(nr).chain.size() >= 2);  // main -> nested, not a bare root

  ObjectAnalysis o = analyze_file(exe);
  CHECK_FALSE(o.data_slots.empty());
  CHECK_FALSE(o.data_anchors.empty());
}
