// The loader's search rules against fake image roots built from freshly compiled objects.
#include "elf/loader.h"

#include <algorithm>

#include "core/rootfs.h"
#include "elf/closure.h"
#include "elf/ld_so_conf.h"
#include "elf/symlink_chain.h"
#include "elf_test_util.h"

using namespace imgstrip;
using namespace imgstrip::elf_test;

namespace {

const char* kApp = R"(
int foo(void); int bar(void); int conf(void); int hw(void); int wrong(void); int def(void);
int main(void) { return foo() + bar() + conf() + hw() + wrong() + def(); }
)";

// Libraries compiled once, shared by the tests below.
struct Libs {
  TempDir dir{"elf-loader"};
  fs::path b = dir.path();
  fs::path foo = shared_lib(b, "libfoo.so.1.2.3", "libfoo.so.1", "foo");
  fs::path baz = shared_lib(b, "libbaz.so.1", "libbaz.so.1", "baz");
  fs::path bar = shared_lib(b, "libbar.so.1", "libbar.so.1", "bar",
                            "-Wl,--no-as-needed " + b.string() + "/libbaz.so.1");
  fs::path conf = shared_lib(b, "libconf.so.1", "libconf.so.1", "conf");
  fs::path hw = shared_lib(b, "libhw.so.1", "libhw.so.1", "hw");
  fs::path wrong = shared_lib(b, "libwrong.so.1", "libwrong.so.1", "wrong");
  fs::path wrong32 = shared_lib(b, "w32/libwrong.so.1", "libwrong.so.1", "wrong", "-m32");
  fs::path def = shared_lib(b, "libdef.so.1", "libdef.so.1", "def");
  std::string link_all = "-nostdlib -Wl,--entry=main -Wl,-rpath-link," + b.string() + " " +
                         foo.string() + " " + bar.string() + " " + conf.string() + " " +
                         hw.string() + " " + wrong.string() + " " + def.string();
  fs::path app_runpath =
      compile(b, "app", kApp, link_all + " -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib/app'");
  fs::path app_rpath =
      compile(b, "app-rpath", kApp,
              link_all + " -Wl,--disable-new-dtags -Wl,-rpath,'${ORIGIN}/../lib/app'");
  fs::path app_nodeflib = compile(b, "app-nodeflib", kApp, link_all + " -Wl,-z,nodefaultlib");
  fs::path muslc = shared_lib(b, "libc.musl-x86_64.so.1", "libc.musl-x86_64.so.1", "muslc");
  fs::path app_musl =
      compile(b, "app-musl", "int foo(void); int main(void) { return foo(); }",
              "-nostdlib -Wl,--no-as-needed -Wl,--entry=main "
              "-Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1 " +
                  foo.string() + " " + def.string() + " -Wl,--no-as-needed " + muslc.string());
};

Libs& libs() {
  static Libs l;
  return l;
}

struct GlibcRoot {
  TempDir dir{"elf-root"};
  fs::path r = dir.path();
  GlibcRoot() {
    Libs& l = libs();
    place(r, "usr/bin/app", l.app_runpath);
    place(r, "usr/bin/app-rpath", l.app_rpath);
    place(r, "usr/bin/app-nodeflib", l.app_nodeflib);
    place(r, "lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2");
    place(r, "usr/lib/app/libfoo.so.1.2.3", l.foo);
    link(r, "usr/lib/app/libfoo.so.1", "libfoo.so.1.2.3");
    link(r, "usr/lib/app/libfoo.so", "libfoo.so.1");
    place(r, "usr/lib/app/libbar.so.1", l.bar);
    place(r, "usr/lib/app/libbaz.so.1", l.baz);  // only reachable through an inherited RPATH
    write_text(r / "etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
    write_text(r / "etc/ld.so.conf.d/custom.conf", "# local libraries\n/opt/custom/lib\n");
    write_text(r / "etc/ld.so.conf.d/not-included.txt", "/opt/ignored\n");
    place(r, "opt/custom/lib/libconf.so.1", l.conf);
    place(r, "opt/ignored/libdef.so.1", l.def);
    place(r, "usr/lib/x86_64-linux-gnu/libdef.so.1", l.def);
    place(r, "usr/lib/x86_64-linux-gnu/libhw.so.1", l.hw);
    place(r, "usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libhw.so.1", l.hw);
    place(r, "usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libhw.so.1", l.hw);
    place(r, "lib/x86_64-linux-gnu/libwrong.so.1", l.wrong32);  // ELF32: skipped
    place(r, "usr/lib/x86_64-linux-gnu/libwrong.so.1", l.wrong);
  }
};

const NeededLibrary& needed(const ClosureObject& o, std::string_view name) {
  for (auto& n : o.needed) {
    if (n.name == name) return n;
  }
  FAIL("no DT_NEEDED " << name << " in " << o.path);
  static NeededLibrary none;
  return none;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("closure over a glibc root: RUNPATH, ld.so.conf, defaults, hwcaps, wrong class",
          "[elf][loader]") {
  GlibcRoot root;
  DirRootFs fs(root.r);
  ClosureOptions opts;
  opts.readlink = dir_readlink(root.r);
  ElfClosure c(fs, opts);
  c.add_root("/usr/bin/app");
  c.resolve();
  const ClosureObject* app = c.find("usr/bin/app");
  REQUIRE(app);
  CHECK(app->reason == "root");
  CHECK(app->flavor == LoaderFlavor::Glibc);

  auto& foo = needed(*app, "libfoo.so.1");
  REQUIRE(foo.path);
  CHECK(*foo.path == "usr/lib/app/libfoo.so.1.2.3");
  CHECK(foo.opened_as == "usr/bin/../lib/app/libfoo.so.1");
  CHECK(foo.via == "DT_RUNPATH of usr/bin/app");
  REQUIRE(foo.symlinks.size() == 1);
  CHECK(foo.symlinks[0].path == "usr/lib/app/libfoo.so.1");
  CHECK(foo.symlinks[0].target == "libfoo.so.1.2.3");

  auto& conf = needed(*app, "libconf.so.1");
  REQUIRE(conf.path);
  CHECK(*conf.path == "opt/custom/lib/libconf.so.1");
  CHECK(conf.via == "/etc/ld.so.conf");

  auto& def = needed(*app, "libdef.so.1");
  REQUIRE(def.path);
  CHECK(*def.path == "usr/lib/x86_64-linux-gnu/libdef.so.1");  // not opt/ignored
  CHECK(def.via == "default directory");

  auto& hw = needed(*app, "libhw.so.1");
  REQUIRE(hw.path);
  CHECK(*hw.path == "usr/lib/x86_64-linux-gnu/libhw.so.1");
  CHECK(hw.variants ==
        std::vector<std::string>{"usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libhw.so.1",
                                 "usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libhw.so.1"});
  CHECK(c.find("usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libhw.so.1"));

  auto& wrong = needed(*app, "libwrong.so.1");
  REQUIRE(wrong.path);
  CHECK(*wrong.path == "usr/lib/x86_64-linux-gnu/libwrong.so.1");
  REQUIRE(wrong.skipped.size() == 1);
  CHECK_THAT(wrong.skipped[0], Catch::StartsWith("lib/x86_64-linux-gnu/libwrong.so.1: ELF32") &&
                                   Catch::Contains("i386"));

  // The interpreter is part of the closure.
  auto& interp = needed(*app, "/lib64/ld-linux-x86-64.so.2");
  CHECK(interp.via == "PT_INTERP");
  const ClosureObject* ld = c.find("lib64/ld-linux-x86-64.so.2");
  REQUIRE(ld);
  CHECK(ld->reason == "PT_INTERP of usr/bin/app");

  // RUNPATH is not inherited: libbar's libbaz.so.1 is reported missing, not fatal.
  auto missing = c.missing();
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].name == "libbaz.so.1");
  CHECK(missing[0].reason == "DT_NEEDED of usr/lib/app/libbar.so.1");
  auto bar = std::find_if(c.objects().begin(), c.objects().end(),
                          [](auto& o) { return o.path == "usr/lib/app/libbar.so.1"; });
  REQUIRE(bar != c.objects().end());
  CHECK(c.reason_chain(bar - c.objects().begin()) ==
        "usr/lib/app/libbar.so.1: DT_NEEDED of usr/bin/app <- root");

  auto paths = c.paths();
  CHECK(has(paths, "usr/lib/app/libfoo.so.1"));  // the symlink is kept as a symlink
  CHECK(has(paths, "usr/lib/app/libfoo.so.1.2.3"));
  CHECK(has(paths, "lib64/ld-linux-x86-64.so.2"));
  CHECK_FALSE(has(paths, "lib/x86_64-linux-gnu/libwrong.so.1"));
  CHECK_FALSE(has(paths, "opt/ignored/libdef.so.1"));
}

TEST_CASE("RPATH is inherited by dependencies and precedes LD_LIBRARY_PATH", "[elf][loader]") {
  GlibcRoot root;
  place(root.r, "opt/env/libfoo.so.1", libs().foo);
  DirRootFs fs(root.r);
  ClosureOptions opts;
  opts.env.ld_library_path = {"/opt/env"};

  ElfClosure rpath(fs, opts);
  rpath.add_root("usr/bin/app-rpath");
  rpath.resolve();
  auto* app = rpath.find("usr/bin/app-rpath");
  REQUIRE(app);
  REQUIRE(app->rpath);
  CHECK_FALSE(app->runpath);
  CHECK(needed(*app, "libfoo.so.1").via == "DT_RPATH of usr/bin/app-rpath");
  auto* bar = rpath.find("usr/lib/app/libbar.so.1");
  REQUIRE(bar);
  auto& baz = needed(*bar, "libbaz.so.1");
  REQUIRE(baz.path);
  CHECK(*baz.path == "usr/lib/app/libbaz.so.1");
  CHECK(baz.via == "DT_RPATH of usr/bin/app-rpath");
  CHECK(rpath.missing().empty());

  // With RUNPATH, LD_LIBRARY_PATH comes first.
  ElfClosure runpath(fs, opts);
  runpath.add_root("usr/bin/app");
  runpath.resolve();
  auto& foo = needed(*runpath.find("usr/bin/app"), "libfoo.so.1");
  REQUIRE(foo.path);
  CHECK(*foo.path == "opt/env/libfoo.so.1");
  CHECK(foo.via == "LD_LIBRARY_PATH");
}

TEST_CASE("DF_1_NODEFLIB skips ld.so.conf and the default directories", "[elf][loader]") {
  GlibcRoot root;
  DirRootFs fs(root.r);
  ElfClosure c(fs);
  c.add_root("usr/bin/app-nodeflib");
  c.resolve();
  auto* app = c.find("usr/bin/app-nodeflib");
  REQUIRE(app);
  CHECK(app->nodeflib);
  std::vector<std::string> missing;
  for (auto& m : c.missing())
    missing.push_back(m.name);
  CHECK(has(missing, "libdef.so.1"));
  CHECK(has(missing, "libconf.so.1"));
  CHECK(has(missing, "libfoo.so.1"));
}

TEST_CASE("LibrarySearch: explicit paths, search order, dlopen", "[elf][loader]") {
  GlibcRoot root;
  DirRootFs fs(root.r);
  LibrarySearch search(fs);
  ElfAbi abi{ElfClass::Elf64, ElfEndian::Little, 62 /* EM_X86_64 */};
  auto r = search.find("/opt/custom/lib/libconf.so.1", {}, abi, LoaderFlavor::Glibc, "");
  REQUIRE(r.match);
  CHECK(r.match->via == "path in DT_NEEDED");
  CHECK(r.match->real_path == "opt/custom/lib/libconf.so.1");
  CHECK_FALSE(search.find("/nope/libx.so", {}, abi, LoaderFlavor::Glibc, "").match);
  CHECK_FALSE(search.find("libnothere.so.9", {}, abi, LoaderFlavor::Glibc, "").match);

  SearchScope scope{"usr/bin/x", "usr/bin", std::nullopt, std::string("/a:$ORIGIN/b"), false};
  auto dirs = search.search_dirs({scope}, abi, LoaderFlavor::Glibc, "");
  std::vector<std::string> names;
  for (auto& d : dirs)
    names.push_back(d.first);
  std::vector<std::string> expected{"a",
                                    "usr/bin/b",
                                    "opt/custom/lib",
                                    "lib/x86_64-linux-gnu",
                                    "usr/lib/x86_64-linux-gnu",
                                    "lib64",
                                    "usr/lib64",
                                    "lib",
                                    "usr/lib"};
  CHECK(names == expected);

  // dlopen() from a program uses its rules, and adds the library to the closure.
  ElfClosure c(fs);
  c.add_root("usr/bin/app");
  CHECK(c.add_dlopen("libconf.so.1", "usr/bin/app"));
  CHECK_FALSE(c.add_dlopen("libplugin.so", "usr/bin/app"));
  c.resolve();
  auto* conf = c.find("opt/custom/lib/libconf.so.1");
  REQUIRE(conf);
  auto missing = c.missing();
  CHECK(std::any_of(missing.begin(), missing.end(), [](auto& m) {
    return m.name == "libplugin.so" && m.reason == "dlopen by usr/bin/app";
  }));
}

TEST_CASE("dynamic string tokens", "[elf][loader]") {
  TempDir tmp("elf-tokens");
  DirRootFs fs(tmp.path());
  LibrarySearch search(fs);
  ElfAbi x64{ElfClass::Elf64, ElfEndian::Little, 62};
  ElfAbi arm64{ElfClass::Elf64, ElfEndian::Little, 183};
  using V = std::vector<std::string>;
  CHECK(search.expand_tokens("$ORIGIN/../lib", "usr/bin", x64) == V{"usr/bin/../lib"});
  CHECK(search.expand_tokens("${ORIGIN}/x", "opt/app", x64) == V{"opt/app/x"});
  CHECK(search.expand_tokens("$ORIGIN", "", x64) == V{""});
  CHECK(search.expand_tokens("/opt/$LIB/y", "", x64) ==
        V{"opt/lib/x86_64-linux-gnu/y", "opt/lib64/y", "opt/lib/y"});
  CHECK(search.expand_tokens("/usr/${LIB}", "", arm64) ==
        V{"usr/lib/aarch64-linux-gnu", "usr/lib64", "usr/lib"});
  CHECK(search.expand_tokens("/p/$PLATFORM", "", x64) == V{"p/x86_64"});
  CHECK(search.expand_tokens("/p/$PLATFORM", "", arm64) == V{"p/aarch64"});
  CHECK(search.expand_tokens("/p/$UNKNOWN/q", "", x64) == V{"p/$UNKNOWN/q"});
  CHECK(search.expand_tokens("/p/${ORIGIN", "", x64) == V{"p/${ORIGIN"});
  LibrarySearch with_platform(fs, LoaderEnv{{}, std::string("haswell")});
  CHECK(with_platform.expand_tokens("$PLATFORM", "", x64) == V{"haswell"});

  CHECK(multiarch_triplets(ElfAbi{ElfClass::Elf32, ElfEndian::Little, 3}) == V{"i386-linux-gnu"});
  CHECK(glibc_default_dirs(arm64).front() == "lib/aarch64-linux-gnu");
}

TEST_CASE("musl root: ld-musl path file, defaults, built-in libc", "[elf][loader]") {
  TempDir tmp("elf-musl");
  fs::path r = tmp.path();
  Libs& l = libs();
  place(r, "bin/app", l.app_musl);
  place(r, "lib/ld-musl-x86_64.so.1", l.def);  // any ELF stands in for the loader
  link(r, "lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1");
  place(r, "opt/musl/lib/libfoo.so.1", l.foo);
  place(r, "usr/lib/x86_64-linux-gnu/libdef.so.1", l.def);  // not on musl's path
  write_text(r / "etc/ld-musl-x86_64.path", "/opt/musl/lib\n/usr/lib:/extra\n");
  DirRootFs fs(r);

  ElfClosure c(fs);
  c.add_root("bin/app");
  c.resolve();
  auto* app = c.find("bin/app");
  REQUIRE(app);
  CHECK(app->flavor == LoaderFlavor::Musl);
  auto& foo = needed(*app, "libfoo.so.1");
  REQUIRE(foo.path);
  CHECK(*foo.path == "opt/musl/lib/libfoo.so.1");
  CHECK(foo.via == "/etc/ld-musl-x86_64.path");
  auto& libc = needed(*app, "libc.musl-x86_64.so.1");
  REQUIRE(libc.path);
  CHECK(*libc.path == "lib/ld-musl-x86_64.so.1");
  CHECK(libc.via == "provided by the musl loader itself");
  CHECK_FALSE(needed(*app, "libdef.so.1").path);
  CHECK(c.find("lib/ld-musl-x86_64.so.1"));

  // Without the path file musl searches /lib:/usr/local/lib:/usr/lib.
  fs::remove(r / "etc/ld-musl-x86_64.path");
  fs::create_directories(r / "usr/local/lib");
  fs::rename(r / "opt/musl/lib/libfoo.so.1", r / "usr/local/lib/libfoo.so.1");
  ElfClosure d(fs);
  d.add_root("bin/app");
  d.resolve();
  auto& foo2 = needed(*d.find("bin/app"), "libfoo.so.1");
  REQUIRE(foo2.path);
  CHECK(*foo2.path == "usr/local/lib/libfoo.so.1");
  CHECK(foo2.via == "default directory");
}

TEST_CASE("musl path file name and parsing", "[elf][loader]") {
  CHECK(musl_path_file("/lib/ld-musl-x86_64.so.1") == "etc/ld-musl-x86_64.path");
  CHECK(musl_path_file("/lib/ld-musl-aarch64.so.1") == "etc/ld-musl-aarch64.path");
  CHECK(musl_path_file("/usr/local/musl/lib/ld-musl-armhf.so.1") ==
        "usr/local/musl/etc/ld-musl-armhf.path");
  CHECK(musl_path_file("/lib64/ld-linux-x86-64.so.2").empty());
  CHECK(loader_flavor("/lib/ld-musl-x86_64.so.1") == LoaderFlavor::Musl);
  CHECK(loader_flavor("/lib64/ld-linux-x86-64.so.2") == LoaderFlavor::Glibc);
}
