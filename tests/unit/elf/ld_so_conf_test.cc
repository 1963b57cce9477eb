#include "elf/ld_so_conf.h"

#include "core/rootfs.h"
#include "elf/symlink_chain.h"
#include "elf_test_util.h"

using namespace imgstrip;
using namespace imgstrip::elf_test;

using V = std::vector<std::string>;

TEST_CASE("ld.so.conf: includes, globs, comments, loops", "[elf][conf]") {
  TempDir tmp("elf-conf");
  fs::path r = tmp.path();
  write_text(r / "etc/ld.so.conf",
             "# system\ninclude /etc/ld.so.conf.d/*.conf\n/usr/local/lib\n"
             "include extra/?.conf /etc/missing.conf\n"
             "hwcap 1 nosegneg\n/opt/old=libc5\n  /usr/local/lib  \n");
  write_text(r / "etc/ld.so.conf.d/b.conf", "/opt/b/lib # trailing comment\n");
  write_text(r / "etc/ld.so.conf.d/a.conf", "/opt/a/lib\n/opt/a/lib/../lib2\r\n");
  write_text(r / "etc/ld.so.conf.d/skip.txt", "/opt/skip\n");
  write_text(r / "etc/ld.so.conf.d/loop.conf", "include /etc/ld.so.conf\n/opt/loop\n");
  write_text(r / "etc/extra/x.conf", "/opt/x\n");
  write_text(r / "etc/extra/xy.conf", "/opt/xy\n");
  DirRootFs fs(r);
  std::vector<std::string> notes;
  auto dirs = ld_so_conf_dirs(fs, &notes);
  CHECK(dirs ==
        V{"opt/a/lib", "opt/a/lib2", "opt/b/lib", "opt/loop", "usr/local/lib", "opt/x", "opt/old"});
  REQUIRE(notes.size() == 1);
  CHECK_THAT(notes[0], Catch::Contains("include loop"));
  CHECK(glob_in(fs, "/etc/ld.so.conf.d/[ab].conf") ==
        V{"etc/ld.so.conf.d/a.conf", "etc/ld.so.conf.d/b.conf"});
  CHECK(glob_in(fs, "*/extra/*.conf") == V{"etc/extra/x.conf", "etc/extra/xy.conf"});
  CHECK(glob_in(fs, "/nope/*").empty());
  CHECK_FALSE(has_ld_so_cache(fs));
  write_text(r / "etc/ld.so.cache", "glibc-ld.so.cache1.1");
  CHECK(has_ld_so_cache(fs));
}

TEST_CASE("ld.so.conf absent or empty", "[elf][conf]") {
  TempDir tmp("elf-conf");
  DirRootFs fs(tmp.path());
  std::vector<std::string> notes;
  CHECK(ld_so_conf_dirs(fs, &notes).empty());
  CHECK(notes.empty());
  bool found = true;
  CHECK(musl_path_dirs(fs, "/lib/ld-musl-x86_64.so.1", &found).empty());
  CHECK_FALSE(found);
  write_text(tmp.path() / "etc/ld-musl-x86_64.path", "/a:/b\n\n/c/../d\n");
  CHECK(musl_path_dirs(fs, "/lib/ld-musl-x86_64.so.1", &found) == V{"a", "b", "d"});
  CHECK(found);
}

TEST_CASE("lexical_normal", "[elf][conf]") {
  CHECK(lexical_normal("/usr/lib/../lib64/./x/") == "usr/lib64/x");
  CHECK(lexical_normal("../../a") == "a");
  CHECK(lexical_normal("/") == "");
}

TEST_CASE("symlink chains, with and without literal targets", "[elf][symlinks]") {
  TempDir tmp("elf-links");
  fs::path r = tmp.path();
  write_text(r / "usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3", "x");
  link(r, "usr/lib/x86_64-linux-gnu/libfoo.so.1", "libfoo.so.1.2.3");
  link(r, "usr/lib/x86_64-linux-gnu/libfoo.so", "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
  link(r, "lib", "usr/lib");  // merged /usr
  link(r, "loop", "loop");
  DirRootFs fs(r);

  auto literal = symlink_chain(fs, "/lib/x86_64-linux-gnu/libfoo.so", dir_readlink(r));
  REQUIRE(literal.size() == 3);
  CHECK(literal[0].path == "lib");
  CHECK(literal[0].target == "usr/lib");
  CHECK(literal[1].path == "usr/lib/x86_64-linux-gnu/libfoo.so");
  CHECK(literal[1].target == "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
  CHECK(literal[2].path == "usr/lib/x86_64-linux-gnu/libfoo.so.1");
  CHECK(literal[2].target == "libfoo.so.1.2.3");

  auto resolved = symlink_chain(fs, "lib/x86_64-linux-gnu/libfoo.so");
  REQUIRE(resolved.size() == 2);
  CHECK(resolved[0].path == "lib");
  CHECK(resolved[0].target == "/usr/lib");
  CHECK(resolved[1].path == "usr/lib/x86_64-linux-gnu/libfoo.so");
  CHECK(resolved[1].target == "/usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3");

  CHECK(symlink_chain(fs, "usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3", dir_readlink(r)).empty());
  CHECK(symlink_chain(fs, "loop/x", dir_readlink(r)).size() == 40);  // stops, no hang
  CHECK(symlink_chain(fs, "usr/../lib/x86_64-linux-gnu/libfoo.so.1").size() == 2);
}
