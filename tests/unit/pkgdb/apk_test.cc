#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.h"
#include "pkgdb/apk.h"
#include "pkgdb/database.h"
#include "unit/pkgdb/helpers.h"

namespace imgstrip {
namespace {

test::MemRootFs alpine_root() {
  test::MemRootFs root;
  root.files["lib/apk/db/installed"] =
      test::read_text(test::source_dir() / "tests/fixtures/apk/installed");
  return root;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

TEST_CASE("apk: an Alpine installed database") {
  auto root = alpine_root();
  CHECK(detect_package_dbs(root) == std::vector<DbKind>{DbKind::apk});
  auto db = open_package_db(root);
  REQUIRE(db);
  CHECK(db->kind() == DbKind::apk);
  REQUIRE(db->packages().size() == 5);

  const Package* musl = db->find("musl");
  REQUIRE(musl != nullptr);
  CHECK(musl->version == "1.2.4_git20230717-r4");
  CHECK(musl->architecture == "x86_64");
  CHECK(musl->installed_size == 663552);
  CHECK(musl->origin == "lib/apk/db/installed:1");
  CHECK(musl->files ==
        std::vector<std::string>{"lib", "lib/ld-musl-x86_64.so.1", "lib/libc.musl-x86_64.so.1"});
  CHECK(db->find("so:libc.musl-x86_64.so.1") == musl);

  const Package* binsh = db->find("busybox-binsh");
  REQUIRE(binsh != nullptr);
  CHECK(binsh->source == "busybox");
  CHECK(binsh->depends == std::vector<Alternatives>{{{"busybox", "", "= 1.36.1-r15"}}});
  CHECK(db->find("/bin/sh") == binsh);  // a provided name, and the file's owner
  CHECK(db->owner_of("bin/sh") == binsh);
  CHECK(db->find("cmd:sh") == binsh);
  CHECK(db->by_source("busybox").size() == 2);

  const Package* busybox = db->find("busybox");
  REQUIRE(busybox != nullptr);
  CHECK(contains(busybox->files, "usr/share/udhcpc/default.script"));
  CHECK(contains(busybox->files, "etc/network/if-up.d"));
  CHECK(busybox->conffiles.empty());

  const Package* nginx = db->find("nginx");
  REQUIRE(nginx != nullptr);
  CHECK(nginx->origin == "lib/apk/db/installed:115");
  CHECK(db->owner_of("/usr/sbin/nginx") == nginx);
  CHECK(db->owner_of("etc/nginx/http.d/default.conf") == nginx);
  CHECK(db->owner_of("var/log/nginx") == nginx);
  REQUIRE(nginx->depends.size() == 6);  // the conflict !nginx-mod-http-lua is left out
  CHECK(nginx->depends[0][0] == Dependency{"/bin/sh", "", ""});
  CHECK(nginx->depends[3][0] == Dependency{"so:libpcre2-8.so.0", "", ""});
  CHECK(db->find("so:libpcre2-8.so.0")->name == "pcre2");
  CHECK(db->find("pcre2")->provides[0] == Dependency{"so:libpcre2-8.so.0", "", "= 0.11.2"});
}

TEST_CASE("apk: dependency atoms") {
  auto packages =
      parse_apk_installed("P:a\nV:1\nD:b>=2 c<3  d~1.2 e><4 f= !g\np:so:libz.so.1=1.3\n", "f");
  REQUIRE(packages.size() == 1);
  CHECK(packages[0].depends == std::vector<Alternatives>{{{"b", "", ">= 2"}},
                                                         {{"c", "", "< 3"}},
                                                         {{"d", "", "~ 1.2"}},
                                                         {{"e", "", ">< 4"}},
                                                         {{"f", "", "="}}});
  CHECK(packages[0].provides == std::vector<Dependency>{{"so:libz.so.1", "", "= 1.3"}});
}

TEST_CASE("apk: hostile input fails with file and line") {
  CHECK_THROWS_WITH(parse_apk_installed("P:a\nnot a field\n", "lib/apk/db/installed"),
                    "lib/apk/db/installed:2: not a 'K:value' line");
  CHECK_THROWS_WITH(parse_apk_installed("V:1\nA:x86_64\n\nP:b\n", "f"),
                    "f:1: package entry without a P: (name) line");
  CHECK_THROWS_WITH(parse_apk_installed("P:a\nV:1\nP:b\n", "f"),
                    "f:3: second P: line in one package entry (missing blank line?)");
  CHECK_THROWS_WITH(parse_apk_installed("P:a\nR:file\n", "f"),
                    "f:2: R: (file) before any F: (directory)");
  CHECK_THROWS_WITH(parse_apk_installed("P:a\nF:usr\nR:../../etc/passwd\n", "f"),
                    "f:3: invalid file name '../../etc/passwd'");
  CHECK_THROWS_WITH(parse_apk_installed("P:a\nI:12x\n", "f"),
                    "f:2: installed size '12x' is not a number");
  CHECK_THROWS_WITH(parse_apk_installed("P:a\nF:usr/../..\n", "f"),
                    "f:2: invalid directory 'usr/../..'");
  CHECK_THROWS_WITH(parse_apk_installed("P:a\nF:usr\nR:..\n", "f"), "f:3: invalid file name '..'");
  CHECK_THROWS_WITH(parse_apk_installed("P:\n", "f"), "f:1: invalid package name ''");
  CHECK(parse_apk_installed("", "f").empty());
  CHECK(parse_apk_installed("\n\n\n", "f").empty());
  // A new F: starts over; files directly in the root have an empty F:.
  auto p = parse_apk_installed("P:a\r\nF:\r\nR:.dockerenv\r\nF:usr/\r\nR:x\r\n", "f");
  REQUIRE(p.size() == 1);
  CHECK(p[0].files == std::vector<std::string>{".dockerenv", "usr", "usr/x"});
  CHECK(p[0].source == "a");
}

}  // namespace imgstrip
