#include <catch2/catch.hpp>

#include "core/error.h"
#include "pkgdb/database.h"
#include "pkgdb/dpkg.h"
#include "unit/pkgdb/helpers.h"

namespace imgstrip {
namespace {

using test::MemRootFs;

const char* kStatus = R"(Package: libc6
Status: install ok installed
Priority: optional
Installed-Size: 12
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9
Depends: libgcc-s1
Description: GNU C Library
 Contains the standard libraries.
 .
 More text.

Package: removed-pkg
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0
Conffiles:
 /etc/removed.conf 0123456789abcdef0123456789abcdef

Package: bash
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Version: 5.2-1
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Provides: sh, shell (= 5.2)
Conffiles:
 /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d
 /etc/skel/.bashrc 0123456789abcdef0123456789abcdef obsolete

Package: app
Status: install ok half-configured
Architecture: all
Version: 1
Depends: python3:any (>= 3.9~) | python3-minimal:any, libc6:amd64,  foo ,
)";

MemRootFs status_root() {
  MemRootFs root;
  root.files["var/lib/dpkg/status"] = kStatus;
  root.files["var/lib/dpkg/info/libc6:amd64.list"] = "/.\n/lib\n/lib/x86_64-linux-gnu/libc.so.6\n";
  root.files["var/lib/dpkg/info/bash.list"] = "/.\n/bin\n/bin/bash\n/etc/bash.bashrc\n";
  root.files["var/lib/dpkg/info/app.list"] = "/usr/bin/app\n";
  root.files["var/lib/dpkg/info/app.conffiles"] = "/etc/app.conf\n";
  return root;
}

}  // namespace

TEST_CASE("parse_control keeps fields, continuation lines and the stanza text") {
  auto stanzas = parse_control(kStatus, "status");
  REQUIRE(stanzas.size() == 4);
  CHECK(stanzas[0].line == 1);
  CHECK(stanzas[1].line == 15);
  CHECK(*stanzas[0].get("package") == "libc6");
  CHECK(*stanzas[0].get("Description") ==
        "GNU C Library\n Contains the standard libraries.\n .\n More text.");
  CHECK(stanzas[0].text.starts_with("Package: libc6\nStatus:"));
  CHECK(stanzas[0].text.ends_with(" More text.\n"));
  CHECK(stanzas[1].get("Depends") == nullptr);
}

TEST_CASE("parse_control tolerates CRLF, comments, several blank lines and no final newline") {
  auto stanzas =
      parse_control("\n\n# comment\nPackage: a\r\nVersion: 1\r\n\n\n \t\nPackage: b", "f");
  REQUIRE(stanzas.size() == 2);
  CHECK(*stanzas[0].get("Version") == "1");
  CHECK(*stanzas[1].get("Package") == "b");
  CHECK(parse_control("", "f").empty());
}

TEST_CASE("parse_control errors name the file and line") {
  CHECK_THROWS_WITH(parse_control("Package: a\n\n continued\n", "var/lib/dpkg/status"),
                    "var/lib/dpkg/status:3: continuation line before any field");
  CHECK_THROWS_WITH(parse_control("Package: a\nno colon here\n", "s"),
                    "s:2: line without a field name");
  CHECK_THROWS_WITH(parse_control("Package: a\nVersion: 1\nversion: 2\n", "s"),
                    "s:3: duplicate field version");
  CHECK_THROWS_WITH(parse_control("Package: a\n: empty\n", "s"), "s:2: invalid field name ''");
}

TEST_CASE("parse_dpkg_depends: alternatives, constraints, arch qualifiers") {
  auto groups = parse_dpkg_depends(
      "python3:any (>= 3.9~) | python3-minimal:any, libc6 (>=2.36),\n zlib1g(<< 1:2) ,", "w");
  REQUIRE(groups.size() == 3);
  REQUIRE(groups[0].size() == 2);
  CHECK(groups[0][0] == Dependency{"python3", "any", ">= 3.9~"});
  CHECK(groups[0][1] == Dependency{"python3-minimal", "any", ""});
  CHECK(groups[1][0] == Dependency{"libc6", "", ">= 2.36"});
  CHECK(groups[2][0] == Dependency{"zlib1g", "", "<< 1:2"});
  CHECK(parse_dpkg_depends("", "w").empty());
  // Source-package syntax is tolerated (architecture lists and build profiles dropped).
  auto src = parse_dpkg_depends("foo (>= 1) [amd64] <!nocheck>, bar [i386]", "w");
  CHECK(src[0][0] == Dependency{"foo", "", ">= 1"});
  CHECK(src[1][0] == Dependency{"bar", "", ""});
}

TEST_CASE("parse_dpkg_depends rejects malformed fields") {
  CHECK_THROWS_WITH(parse_dpkg_depends("a (>= 1", "status:4: Depends"),
                    "status:4: Depends: unterminated '(' in 'a (>= 1'");
  CHECK_THROWS_WITH(parse_dpkg_depends("a (~ 1)", "w"), "w: bad version constraint '(~ 1)'");
  CHECK_THROWS_WITH(parse_dpkg_depends("a (>=)", "w"), "w: bad version constraint '(>=)'");
  CHECK_THROWS_WITH(parse_dpkg_depends("a | | b", "w"), "w: empty alternative in 'a | | b'");
  CHECK_THROWS_WITH(parse_dpkg_depends("a: (>= 1)", "w"),
                    "w: empty architecture qualifier in 'a: (>= 1)'");
  CHECK_THROWS_WITH(parse_dpkg_depends("a b", "w"), "w: invalid package name in 'a b'");
  CHECK_THROWS_WITH(parse_dpkg_depends("a (>= 1) junk", "w"),
                    "w: unexpected 'junk' after version constraint");
}

TEST_CASE("read_dpkg: status, multiarch lists, conffiles, essential, provides") {
  auto root = status_root();
  auto packages = read_dpkg(root);
  REQUIRE(packages.size() == 3);  // removed-pkg (config-files) is not present

  const Package& libc = packages[0];
  CHECK(libc.name == "libc6");
  CHECK(libc.source == "glibc");
  CHECK(libc.architecture == "amd64");
  CHECK(libc.installed_size == 12 * 1024);
  CHECK(libc.files == std::vector<std::string>{"lib", "lib/x86_64-linux-gnu/libc.so.6"});
  CHECK(libc.origin == "var/lib/dpkg/status:1");
  CHECK(libc.status == "installed");

  const Package& bash = packages[1];
  CHECK(bash.essential);
  CHECK(bash.priority == "required");
  CHECK(bash.source == "bash");
  REQUIRE(bash.pre_depends.size() == 2);
  CHECK(bash.pre_depends[1][0] == Dependency{"libtinfo6", "", ">= 6"});
  CHECK(bash.provides == std::vector<Dependency>{{"sh", "", ""}, {"shell", "", "= 5.2"}});
  CHECK(bash.conffiles == std::vector<std::string>{"etc/bash.bashrc", "etc/skel/.bashrc"});
  CHECK(bash.files.back() == "etc/bash.bashrc");

  const Package& app = packages[2];
  CHECK(app.status == "half-configured");
  CHECK(!app.essential);
  REQUIRE(app.depends.size() == 3);
  CHECK(app.depends[1][0] == Dependency{"libc6", "amd64", ""});
  CHECK(app.conffiles == std::vector<std::string>{"etc/app.conf"});  // from app.conffiles
}

TEST_CASE("dpkg_state_present documents which states are read") {
  for (auto s : {"installed", "triggers-pending", "triggers-awaited", "half-configured", "unpacked",
                 "half-installed"}) {
    CHECK(dpkg_state_present(s));
  }
  CHECK(!dpkg_state_present("not-installed"));
  CHECK(!dpkg_state_present("config-files"));
}

TEST_CASE("read_dpkg: distroless status.d with md5sums") {
  MemRootFs root;
  root.files["var/lib/dpkg/status.d/base"] =
      "Package: base-files\nVersion: 12.4\nArchitecture: amd64\nPriority: required\n";
  root.files["var/lib/dpkg/status.d/base.md5sums"] =
      "d41d8cd98f00b204e9800998ecf8427e  etc/debian_version\n"
      "d41d8cd98f00b204e9800998ecf8427e  usr/share/doc/base-files/copyright\n";
  root.files["var/lib/dpkg/status.d/libssl3"] =
      "Package: libssl3\nVersion: 3.0.11\nArchitecture: amd64\nSource: openssl\n";
  auto db = open_package_db(root);
  REQUIRE(db);
  CHECK(db->kind() == DbKind::dpkg);
  REQUIRE(db->packages().size() == 2);
  CHECK(db->owner_of("/etc/debian_version")->name == "base-files");
  CHECK(db->find("libssl3")->source == "openssl");
  CHECK(db->packages()[0].origin == "var/lib/dpkg/status.d/base:1");

  std::string status = write_dpkg_status({&db->packages()[1]});
  CHECK(status ==
        "Package: libssl3\nStatus: install ok installed\nVersion: 3.0.11\nArchitecture: "
        "amd64\nSource: openssl\n\n");
}

TEST_CASE("read_dpkg rejects hostile status files with file and line") {
  MemRootFs root;
  root.files["var/lib/dpkg/status"] = "Package: a\nStatus: install ok installed\n\nVersion: 1\n";
  CHECK_THROWS_WITH(read_dpkg(root), "var/lib/dpkg/status:4: stanza without a Package field");
  root.files["var/lib/dpkg/status"] = "Package: a\nVersion: 1\n";
  CHECK_THROWS_WITH(read_dpkg(root), "var/lib/dpkg/status:1: package a has no Status field");
  root.files["var/lib/dpkg/status"] = "Package: a\nStatus: installed\n";
  CHECK_THROWS_WITH(read_dpkg(root),
                    "var/lib/dpkg/status:1: Status 'installed' is not 'want flag state'");
  root.files["var/lib/dpkg/status"] =
      "Package: a\nStatus: install ok installed\nInstalled-Size: 12k\n";
  CHECK_THROWS_WITH(read_dpkg(root), "var/lib/dpkg/status:1: Installed-Size '12k' is not a number");
  root.files["var/lib/dpkg/status"] =
      "Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: install ok installed\n"
      "Depends: c (>= 1\n";
  CHECK_THROWS_WITH(read_dpkg(root),
                    "var/lib/dpkg/status:4: Depends: unterminated '(' in 'c (>= 1'");
  root.files["var/lib/dpkg/status"] = "Package: a b\nStatus: install ok installed\n";
  CHECK_THROWS_WITH(read_dpkg(root), "var/lib/dpkg/status:1: invalid package name 'a b'");
  root.files["var/lib/dpkg/status"] = "Package: a\nStatus: install ok installed\nProvides: x | y\n";
  CHECK_THROWS_WITH(read_dpkg(root), "var/lib/dpkg/status:1: Provides with alternatives");
}

TEST_CASE("write_dpkg_status keeps kept stanzas verbatim and reads back") {
  auto root = status_root();
  auto packages = read_dpkg(root);
  std::string text = write_dpkg_status({&packages[0], &packages[2]});
  CHECK(text.find("Package: bash") == std::string::npos);
  CHECK(text.find("Description: GNU C Library\n Contains the standard libraries.\n .\n") !=
        std::string::npos);
  CHECK(text.find("\n\nPackage: app\n") != std::string::npos);

  MemRootFs out;
  out.files["var/lib/dpkg/status"] = text;
  auto again = read_dpkg(out);
  REQUIRE(again.size() == 2);
  CHECK(again[0].stanza == packages[0].stanza);
  CHECK(again[1].stanza == packages[2].stanza);
  CHECK(again[1].depends == packages[2].depends);
  CHECK(write_dpkg_status({}).empty());
}

TEST_CASE("write_dpkg_list lists only kept paths") {
  auto root = status_root();
  auto packages = read_dpkg(root);
  std::string list =
      write_dpkg_list(packages[1], [](const std::string& p) { return p != "etc/bash.bashrc"; });
  CHECK(list == "/.\n/bin\n/bin/bash\n");
}

}  // namespace imgstrip
