// The closure against real roots: the host itself (compared with ldd) and an aarch64 root.
#include "elf/closure.h"

#include <elf.h>

#include <cstdio>
#include <memory>
#include <set>

#include "core/rootfs.h"
#include "elf_test_util.h"

using namespace imgstrip;
using namespace imgstrip::elf_test;

namespace {

std::string capture(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
  REQUIRE(p);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p.get())) > 0)
    out.append(buf, n);
  return out;
}

// The real paths of the objects `ldd` lists for `program` (vdso excluded).
std::set<std::string> ldd_paths(const std::string& program) {
  std::set<std::string> out;
  std::string text = capture("ldd " + program);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    size_t arrow = line.find("=> ");
    size_t start = arrow != std::string::npos ? arrow + 3 : line.find_first_not_of(" \t");
    if (start == std::string::npos || start >= line.size() || line[start] != '/') continue;
    std::string path = line.substr(start, line.find(" (", start) - start);
    out.insert(fs::canonical(path).string());
  }
  return out;
}

}  // namespace

TEST_CASE("closure of the host's curl equals what ldd prints", "[elf][closure][host]") {
  if (!fs::exists("/usr/bin/curl")) {
    FAIL("/usr/bin/curl missing (scripts/setup.sh installs it)");
  }
  auto expected = ldd_paths("/usr/bin/curl");
  REQUIRE(expected.size() > 5);

  DirRootFs root("/");
  ClosureOptions opts;
  opts.readlink = dir_readlink("/");
  ElfClosure c(root, opts);
  c.add_root("/usr/bin/curl");
  c.resolve();
  std::set<std::string> got;
  for (auto& o : c.objects()) {
    if (o.reason != "root") got.insert("/" + o.path);
    CHECK(o.error.empty());
  }
  CHECK(got == expected);
  CHECK(c.missing().empty());

  // Every symlink on the way is reported so that it can be kept as a link.
  auto* curl = c.find("usr/bin/curl");
  REQUIRE(curl);
  for (auto& n : curl->needed) {
    INFO(n.name);
    REQUIRE(n.path);
    if (n.opened_as != *n.path) CHECK_FALSE(n.symlinks.empty());
  }
}

TEST_CASE("closure of the host's ls and of a static program", "[elf][closure][host]") {
  DirRootFs root("/");
  ElfClosure c(root);
  c.add_root("/usr/bin/ls");
  c.add_root("/no/such/program");
  c.resolve();
  auto expected = ldd_paths("/usr/bin/ls");
  std::set<std::string> got;
  for (auto& o : c.objects()) {
    if (o.reason != "root") got.insert("/" + o.path);
  }
  CHECK(got == expected);
  CHECK(c.missing_roots() == std::vector<std::string>{"no/such/program"});

  TempDir tmp("elf-static");
  compile(tmp.path(), "usr/bin/st", "int main(void){return 0;}", "-static");
  DirRootFs small(tmp.path());
  ElfClosure s(small);
  s.add_root("usr/bin/st");
  s.add_root("usr/bin/st");  // twice: one object
  write_text(tmp.path() / "usr/bin/script", "#!/bin/sh\n");
  s.add_root("usr/bin/script");
  s.resolve();
  REQUIRE(s.objects().size() == 2);
  CHECK(s.objects()[0].is_static);
  CHECK(s.objects()[0].needed.empty());
  CHECK(s.objects()[1].error == "usr/bin/script: not an ELF file");
  CHECK(s.missing().empty());
}

TEST_CASE("closure over an aarch64 root skips x86_64 libraries", "[elf][closure]") {
  if (!have_tool("aarch64-linux-gnu-gcc")) {
    FAIL("aarch64-linux-gnu-gcc not installed (apt-get install gcc-aarch64-linux-gnu)");
  }
  TempDir tmp("elf-arm64");
  fs::path b = tmp.path() / "build";
  fs::path r = tmp.path() / "root";
  auto arm = shared_lib(b, "arm/libq.so.1", "libq.so.1", "q", "", "aarch64-linux-gnu-gcc");
  auto x86 = shared_lib(b, "x86/libq.so.1", "libq.so.1", "q");
  auto app = compile(b, "app", "int q(void); int main(void) { return q(); }",
                     "-nostdlib -Wl,--entry=main " + arm.string(), "aarch64-linux-gnu-gcc");
  place(r, "usr/bin/app", app);
  place(r, "lib/aarch64-linux-gnu/libq.so.1", x86);
  place(r, "usr/lib/aarch64-linux-gnu/libq.so.1", arm);
  place(r, "lib/ld-linux-aarch64.so.1", arm);  // stands in for the loader
  DirRootFs fs(r);
  ElfClosure c(fs);
  c.add_root("usr/bin/app");
  c.resolve();
  auto* o = c.find("usr/bin/app");
  REQUIRE(o);
  REQUIRE(o->abi);
  CHECK(o->abi->machine == EM_AARCH64);
  REQUIRE(o->needed.size() == 2);
  CHECK(o->needed[0].name == "libq.so.1");
  REQUIRE(o->needed[0].path);
  CHECK(*o->needed[0].path == "usr/lib/aarch64-linux-gnu/libq.so.1");
  REQUIRE(o->needed[0].skipped.size() == 1);
  CHECK_THAT(o->needed[0].skipped[0], Catch::Contains("x86_64, needs ELF64 LSB aarch64"));
  CHECK(o->needed[1].via == "PT_INTERP");
  CHECK(c.find("lib/ld-linux-aarch64.so.1"));
  CHECK(c.missing().empty());
}
