// Code a program reaches only by name: a library that some object lists in DT_NEEDED (so it
// is not taken as dlopened) but that a program opens and looks up with dlsym, or that a
// runtime looks up under a plugin convention (JNI's Java_*). Its system calls must be in
// the profile; its exports nobody names must not be.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.h"
#include "core/tempdir.h"
#include "seccomp/profile.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

// libplug.so: one export a program looks up by name, one nobody names.
fs::path make_plug(const fs::path& dir) {
  return compile(dir, "libplug.so", R"(
#include <sys/syscall.h>
#include <unistd.h>
long plug_entry(void) { return syscall(SYS_sethostname, "x", 1); }
long plug_unused(void) { return syscall(SYS_kexec_load, 0, 0, 0, 0); }
)",
                 "-O2 -shared -fPIC -Wl,-soname,libplug.so");
}

// libuser.so lists libplug.so in DT_NEEDED without calling it; the program links libuser.so.
fs::path make_user(const fs::path& dir) {
  return compile(dir, "libuser.so", "long user_value(void) { return 7; }\n",
                 "-O2 -shared -fPIC -Wl,-soname,libuser.so -L'" + dir.string() +
                     "' -Wl,--no-as-needed -lplug -Wl,-rpath,'" + dir.string() + "'");
}

std::string program_flags(const fs::path& dir) {
  return "-O2 -L'" + dir.string() + "' -Wl,--no-as-needed -luser -Wl,-rpath,'" + dir.string() + "'";
}

// libplug.so, libuser.so and a program linking libuser.so, from `source` (after <dlfcn.h>).
fs::path plug_program(const fs::path& dir, const std::string& source) {
  make_plug(dir);
  make_user(dir);
  return compile(dir, "prog", "#include <dlfcn.h>\ntypedef long (*fn)(void);\n" + source,
                 program_flags(dir));
}

bool chain_has(const SyscallAnalysis& a, std::string_view syscall, std::string_view label) {
  auto nr = syscall_number(a.arch, syscall);
  if (!nr || !a.reasons.count(*nr)) return false;
  const auto& chain = a.reasons.at(*nr).chain;
  return std::any_of(chain.begin(), chain.end(),
                     [&](const std::string& c) { return c.find(label) != std::string::npos; });
}

}  // namespace

TEST_CASE("a DT_NEEDED library a program also looks up with dlsym: the export it names",
          "[seccomp][lookup]") {
  TempDir tmp;
  auto exe = plug_program(tmp.path(), R"(
int main(void) {
  void* h = dlopen("libplug.so", RTLD_NOW);
  if (!h) return 1;
  fn f = (fn)dlsym(h, "plug_entry");
  return f ? (int)f() : 2;
}
)");
  SyscallAnalysis a = analyze_host({exe});
  INFO(explain_text(a));
  CHECK(allows(a, "sethostname"));
  CHECK(chain_has(a, "sethostname", "libplug.so!plug_entry"));
  CHECK(chain_has(a, "sethostname", "prog!main"));
  CHECK_FALSE(allows(a, "kexec_load"));  // plug_unused: exported, never named

  // The program's own analysis names the symbol at the dlsym call.
  ObjectAnalysis o = analyze_file(exe);
  bool named = false;
  for (const auto& f : o.functions)
    for (const auto& l : f.lookups)
      named = named || (l.names == std::vector<std::string>{"plug_entry"} && !l.unknown);
  CHECK(named);
}

TEST_CASE("a name passed through the program's own lookup wrapper", "[seccomp][lookup]") {
  TempDir tmp;
  auto exe = plug_program(tmp.path(), R"(
__attribute__((noipa)) static void* find(void* h, const char* name) {
  void* p = dlsym(h, name);
  return p ? p : dlsym(RTLD_DEFAULT, name);
}
int main(void) {
  void* h = dlopen("libplug.so", RTLD_NOW);
  fn f = (fn)find(h, "plug_entry");
  return f ? (int)f() : 2;
}
)");
  ObjectAnalysis o = analyze_file(exe);
  bool wrapper = false;
  for (const auto& f : o.functions)
    wrapper = wrapper || (f.name == "find" && f.name_param == 1);
  CHECK(wrapper);
  SyscallAnalysis a = analyze_host({exe});
  INFO(explain_text(a));
  CHECK(allows(a, "sethostname"));
  CHECK(chain_has(a, "sethostname", "libplug.so!plug_entry"));
  CHECK_FALSE(allows(a, "kexec_load"));
  for (const auto& u : a.unresolved)
    CHECK_FALSE((u.symbol_lookup && u.object.ends_with("prog")));
}

TEST_CASE("a JNI library other libraries link against: its Java_* exports are roots",
          "[seccomp][lookup]") {
  TempDir tmp;
  // The JVM finds Java_Demo_work by a name it builds from the class and method; libnet.so
  // of a JRE, say, is also in libnio.so's DT_NEEDED.
  compile(tmp.path(), "libjnidemo.so", R"(
#include <sys/syscall.h>
#include <unistd.h>
long Java_Demo_work(void* env, void* cls) { (void)env; (void)cls; return syscall(SYS_sethostname, "x", 1); }
long jnidemo_helper(void) { return syscall(SYS_kexec_load, 0, 0, 0, 0); }
)",
          "-O2 -shared -fPIC -Wl,-soname,libjnidemo.so");
  compile(tmp.path(), "libuser.so", "long user_value(void) { return 7; }\n",
          "-O2 -shared -fPIC -Wl,-soname,libuser.so -L'" + tmp.path().string() +
              "' -Wl,--no-as-needed -ljnidemo -Wl,-rpath,'" + tmp.path().string() + "'");
  auto exe =
      compile(tmp.path(), "prog", "int main(void) { return 0; }\n", program_flags(tmp.path()));
  SyscallAnalysis a = analyze_host({exe});
  INFO(explain_text(a));
  CHECK(allows(a, "sethostname"));
  CHECK(chain_has(a, "sethostname", "libjnidemo.so!Java_Demo_work (JNI entry point"));
  CHECK_FALSE(allows(a, "kexec_load"));
}

TEST_CASE("a name computed at run time is listed, and fails under the fail policy",
          "[seccomp][lookup]") {
  TempDir tmp;
  auto exe = plug_program(tmp.path(), R"(
int main(int argc, char** argv) {
  void* h = dlopen("libplug.so", RTLD_NOW);
  fn f = argc > 1 ? (fn)dlsym(h, argv[1]) : 0;
  return f ? (int)f() : 2;
}
)");
  SyscallAnalysis a = analyze_host({exe});
  bool listed = false;
  for (const auto& u : a.unresolved)
    listed = listed || (u.symbol_lookup && u.object.ends_with("prog") && u.function == "main");
  CHECK(listed);
  SeccompOptions fail;
  fail.fallback = FallbackPolicy::Fail;
  CHECK_THROWS_WITH(analyze_host({exe}, fail), Catch::Contains("symbol name not traced"));
  SeccompOptions all;
  all.fallback = FallbackPolicy::AllowAllKnown;
  CHECK(allows(analyze_host({exe}, all), "sethostname"));
}
