#include <catch2/catch.hpp>

#include <filesystem>

#include "core/stream.h"
#include "core/tempdir.h"
#include "pkgdb/database.h"
#include "pkgdb/rpm.h"
#include "unit/pkgdb/helpers.h"

namespace imgstrip {
namespace {

constexpr const char* kMultiarch = R"(Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: glibc (2.36-9)
Version: 2.36-9

Package: libc6
Status: install ok installed
Architecture: i386
Multi-Arch: same
Source: glibc (2.36-9)
Version: 2.36-9

Package: mawk
Status: install ok installed
Architecture: amd64
Version: 1.3.4
Provides: awk

Package: gawk
Status: install ok installed
Architecture: amd64
Version: 5.2.1
Provides: awk
)";

}  // namespace

TEST_CASE("normalize_package_path") {
  CHECK(normalize_package_path("/usr//bin/./ls/") == "usr/bin/ls");
  CHECK(normalize_package_path("./etc/x") == "etc/x");
  CHECK(normalize_package_path("/").empty());
}

TEST_CASE("detection: none, several, empty") {
  test::MemRootFs empty;
  CHECK(detect_package_dbs(empty).empty());
  CHECK(!open_package_db(empty));

  test::MemRootFs both;
  both.files["var/lib/dpkg/status"] = "";
  both.files["lib/apk/db/installed"] = "P:x\n";
  CHECK(detect_package_dbs(both) == std::vector<DbKind>{DbKind::dpkg, DbKind::apk});
  auto db = open_package_db(both);
  REQUIRE(db);
  CHECK(db->kind() == DbKind::dpkg);  // the first one
  CHECK(db->packages().empty());      // an empty status file: every package stripped
  CHECK(open_package_db(both, DbKind::apk).packages().size() == 1);
  CHECK(std::string(db_kind_name(DbKind::rpm)) == "rpm");
}

TEST_CASE("lookups: multiarch names, several providers, sources") {
  test::MemRootFs root;
  root.files["var/lib/dpkg/status"] = kMultiarch;
  root.files["var/lib/dpkg/info/libc6:amd64.list"] =
      "/.\n/usr\n/usr/lib/x86_64-linux-gnu/libc.so.6\n";
  root.files["var/lib/dpkg/info/libc6:i386.list"] = "/.\n/usr\n/usr/lib/i386-linux-gnu/libc.so.6\n";
  root.files["var/lib/dpkg/info/mawk.list"] = "/usr/bin/mawk\n";
  auto db = open_package_db(root);
  REQUIRE(db);
  auto& p = db->packages();
  REQUIRE(p.size() == 4);
  CHECK(db->find("libc6") == &p[0]);
  CHECK(db->find("libc6:amd64") == &p[0]);
  CHECK(db->find("libc6:i386") == &p[1]);
  CHECK(db->owner_of("usr/lib/i386-linux-gnu/libc.so.6") == &p[1]);
  CHECK(db->owners_of("/usr") == std::vector<const Package*>{&p[0], &p[1]});
  CHECK(db->owner_of("usr/bin/gawk") == nullptr);
  CHECK(db->find("awk") == &p[2]);
  CHECK(db->providers("awk") == std::vector<const Package*>{&p[2], &p[3]});
  CHECK(db->by_source("glibc").size() == 2);
  CHECK(db->by_source("mawk") == std::vector<const Package*>{&p[2]});
  CHECK(db->sources() == std::vector<std::string>{"gawk", "glibc", "mawk"});
  CHECK(db->find("/usr/bin/mawk") == &p[2]);
  CHECK(db->find("/usr/bin/none") == nullptr);
}

TEST_CASE("owner_of follows the image's directory symlinks (merged /usr)") {
  TempDir dir("pkgdb-test");
  auto root_dir = dir.path();
  std::filesystem::create_directories(root_dir / "usr/bin");
  std::filesystem::create_directories(root_dir / "var/lib/dpkg/info");
  std::filesystem::create_directory_symlink("usr/bin", root_dir / "bin");
  std::filesystem::create_directory_symlink("/usr/bin", root_dir / "sbin");  // absolute
  write_file_atomic(root_dir / "var/lib/dpkg/status",
                    "Package: tool\nStatus: install ok installed\nVersion: 1\n");
  write_file_atomic(root_dir / "var/lib/dpkg/info/tool.list",
                    "/.\n/bin\n/bin/tool\n/sbin/tool2\n/usr/bin/tool3\n");
  DirRootFs root(root_dir);
  auto db = open_package_db(root);
  REQUIRE(db);
  const Package* tool = db->find("tool");
  REQUIRE(tool != nullptr);
  CHECK(db->owner_of("bin/tool") == tool);
  CHECK(db->owner_of("usr/bin/tool") == tool);  // file not present: still indexed
  CHECK(db->owner_of("usr/bin/tool2") == tool);
  CHECK(db->owner_of("usr/bin/tool3") == tool);
  CHECK(db->owners_of("usr/bin/tool").size() == 1);
}

TEST_CASE("rpm sqlite with a non-empty write-ahead log", "[rpm]") {
  DirRootFs root(test::fixture("make-rpm-root.sh", "rpm-roots-v3") / "sqlite-wal");
  auto packages = read_rpm(root);
  REQUIRE(packages.size() == 4);  // three checkpointed, one only in rpmdb.sqlite-wal
  CHECK(packages.back().origin == "var/lib/rpm/rpmdb.sqlite: hnum 100");
  CHECK(packages.back().name == packages.front().name);
}

}  // namespace imgstrip
