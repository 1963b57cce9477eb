// The resolver on an rpm-based image: packages built with rpmbuild and installed with
// Debian's rpm (tests/fixtures/make-rpm-app.sh), in a Fedora-like tree with merged /usr and
// this host's shell and C library placed in usr/lib64 for the ELF closure.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/tempdir.h"
#include "pkgdb/rpm.h"
#include "resolve/resolver.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using imgstrip::test::config_json;
using imgstrip::test::kept_packages;
using imgstrip::test::packages;
using imgstrip::test::TreeBuilder;

namespace {

namespace fs = std::filesystem;

fs::path app_root() {
  return fs::path(test::fixture_tar("make-rpm-app.sh")) / "root";
}

fs::path rpm_roots() {
  return test::fixture_tar("make-rpm-root.sh");
}

FileTree rpm_tree() {
  TreeBuilder b;
  b.copy_dir(app_root())
      .symlink("bin", "usr/bin")
      .symlink("sbin", "usr/sbin")
      .symlink("lib64", "usr/lib64")
      .host_file("usr/bin/sh", "/bin/dash")
      .host_file("usr/lib64/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6")
      .host_file("usr/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2")
      .host_file("usr/lib64/libnss_dns.so.2", "/lib/x86_64-linux-gnu/libnss_dns.so.2")
      .file("etc/nsswitch.conf", "passwd: files\nhosts: files dns\n")
      .file("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
      .file("etc/group", "root:x:0:\n")
      .file("etc/os-release", "NAME=Fedora\nID=fedora\n")
      .file("srv/web/index.html", "<html/>")
      .file("opt/unrelated/data", "x");
  return b.build();
}

const ImageConfig& rpm_config() {
  static ImageConfig c = config_json(R"({"Env":["PATH=/usr/local/bin:/usr/sbin:/usr/bin"]})");
  return c;
}

Resolution strip(const FileTree& tree, StripRequest r) {
  r.entrypoint = false;
  return resolve(tree, rpm_config(), r);
}

const GeneratedFile* generated(const Resolution& res, const std::string& path) {
  for (auto& g : res.generated) {
    if (g.entry.path == path) return &g;
  }
  return nullptr;
}

bool has_note(const Resolution& res, const std::string& start) {
  return std::any_of(res.notes.begin(), res.notes.end(),
                     [&](auto& n) { return n.starts_with(start); });
}

// What Debian's rpm lists from a database written to a folder of its own.
std::string rpm_query(const std::string& db, const std::string& args) {
  TempDir dir("imgstrip-rpmq");
  write_file_atomic(dir.path() / "rpmdb.sqlite", db);
  std::string command = "rpm --dbpath " + dir.path().string() + " --define '_db_backend sqlite' " +
                        args + " 2>&1 | sort";
  return test::command_output(command);
}

}  // namespace

TEST_CASE("rpm image: -p by short name keeps the package, its own subpackages and nothing else") {
  FileTree tree = rpm_tree();
  auto res = strip(tree, packages({"web"}));
  CHECK(res.package_db == "rpm");
  CHECK(kept_packages(res) == std::vector<std::string>{"web", "web-common"});
  auto& keep = res.keep;
  CHECK(keep.contains("usr/sbin/web"));
  CHECK(keep.contains("etc/web/web.conf"));
  CHECK(keep.contains("usr/share/web/mime.types"));  // web-common: same SOURCERPM
  CHECK(keep.reasons("usr/share/web/mime.types")[0].detail.find("same source web") !=
        std::string::npos);
  // Other packages' files and the documentation are not kept.
  CHECK_FALSE(keep.contains("usr/bin/webctl"));           // webtools: another source
  CHECK_FALSE(keep.contains("usr/lib64/libgreet.so.1"));  // a library, left to the ELF closure
  CHECK_FALSE(keep.contains("usr/share/man/man8/web.8"));
  CHECK_FALSE(keep.contains("usr/share/doc/web/README"));
  // Files no package owns in /opt/NAME are an application of the image: kept as that.
  REQUIRE(keep.contains("opt/unrelated/data"));
  CHECK(keep.reasons("opt/unrelated/data")[0].kind == ReasonKind::Application);
  // The Requires not followed, and why.
  auto skipped = [&](const std::string& dep) -> std::string {
    for (auto& s : res.not_followed) {
      if (s.package == "web" && s.dependency.starts_with(dep)) return s.why;
    }
    return "followed";
  };
  CHECK(skipped("webtools") == "commands or modules only (kept where something uses them)");
  CHECK(skipped("libgreet") == "library (left to the ELF closure)");
  CHECK(skipped("/bin/sh") == "not installed");  // no package owns the shell here
  // The script's interpreter, its ELF closure (through the lib64 -> usr/lib64 symlink),
  // the NSS module nsswitch.conf names, and the directory web.conf refers to.
  CHECK(keep.contains("bin"));
  CHECK(keep.contains("usr/bin/sh"));
  CHECK(keep.reasons("usr/bin/sh")[0].kind == ReasonKind::Interpreter);
  CHECK(keep.contains("usr/lib64/libc.so.6"));
  CHECK(keep.reasons("usr/lib64/libc.so.6")[0].kind == ReasonKind::Needed);
  CHECK(keep.contains("lib64"));
  CHECK(keep.contains("usr/lib64/ld-linux-x86-64.so.2"));
  CHECK(keep.contains("usr/lib64/libnss_dns.so.2"));
  CHECK(keep.reasons("usr/lib64/libnss_dns.so.2")[0].kind == ReasonKind::Dlopen);
  CHECK(keep.contains("srv/web/index.html"));
  CHECK(keep.contains("etc/os-release"));
  // Sizes per package.
  for (auto& s : res.package_sizes) {
    if (s.name == "webtools") CHECK((!s.kept && s.files_after == 0 && s.files_before == 1));
    if (s.name == "web") CHECK((s.kept && s.files_before == 3 && s.files_after == 2));
  }
}

TEST_CASE("rpm image: names, virtual names (Provides) and NEVRA") {
  FileTree tree = rpm_tree();
  CHECK(kept_packages(strip(tree, packages({"httpd"}))) ==
        std::vector<std::string>{"web", "web-common"});
  CHECK(kept_packages(strip(tree, packages({"web-1.0-1.x86_64"}))) ==
        std::vector<std::string>{"web", "web-common"});
  auto lib = strip(tree, packages({"libgreet.so.1()(64bit)"}));
  CHECK(kept_packages(lib) == std::vector<std::string>{"libgreet"});
  CHECK(lib.keep.contains("usr/lib64/libgreet.so.1"));
  CHECK_FALSE(lib.keep.contains("usr/sbin/web"));
  CHECK_THROWS_AS(strip(tree, packages({"nginx"})), UsageError);
}

TEST_CASE("rpm image: --deps none, all; a documentation subpackage; --keep-docs") {
  FileTree tree = rpm_tree();
  auto none = strip(tree, packages({"web"}, DepsMode::None));
  CHECK(kept_packages(none) == std::vector<std::string>{"web"});
  CHECK_FALSE(none.keep.contains("usr/share/web/mime.types"));

  auto all = strip(tree, packages({"web"}, DepsMode::All));
  CHECK(kept_packages(all) ==
        std::vector<std::string>{"libgreet", "web", "web-common", "webtools"});
  CHECK(all.keep.contains("usr/bin/webctl"));
  CHECK(all.keep.contains("usr/lib64/libgreet.so.1"));

  // web-doc has nothing but documentation: it expands to what it Requires.
  auto doc = strip(tree, packages({"web-doc"}));
  CHECK(kept_packages(doc) == std::vector<std::string>{"web", "web-common", "web-doc"});
  CHECK(doc.keep.contains("usr/sbin/web"));
  CHECK_FALSE(doc.keep.contains("usr/share/doc/web/README"));

  StripRequest docs = packages({"web"});
  docs.keep_docs = true;
  auto kept_docs = strip(tree, docs);
  CHECK(kept_docs.keep.contains("usr/share/man/man8/web.8"));
  CHECK_FALSE(kept_docs.keep.contains("usr/share/doc/web/README"));  // web-doc is not kept
}

TEST_CASE("rpm image: -r wins over packages, references and the closure") {
  FileTree tree = rpm_tree();
  StripRequest r = packages({"web"});
  r.excludes = {"/etc/web/*", "/usr/share/web", "/usr/lib64/libnss_*"};
  auto res = strip(tree, r);
  CHECK(kept_packages(res) == std::vector<std::string>{"web", "web-common"});
  CHECK(res.keep.contains("usr/sbin/web"));
  CHECK_FALSE(res.keep.contains("etc/web/web.conf"));
  // Only web.conf named it as configuration; no package owns it: still the site's content.
  for (auto& reason : res.keep.reasons("srv/web/index.html"))
    CHECK(reason.kind == ReasonKind::Application);
  CHECK_FALSE(res.keep.contains("usr/share/web/mime.types"));
  CHECK_FALSE(res.keep.contains("usr/lib64/libnss_dns.so.2"));
  CHECK(res.keep.contains("usr/lib64/libc.so.6"));
  CHECK(has_note(res, "excluded by -r: /etc/web/web.conf"));
}

TEST_CASE("rpm image: the sqlite database is written back with the kept packages only") {
  FileTree tree = rpm_tree();
  auto res = strip(tree, packages({"web"}));
  const GeneratedFile* db = generated(res, "var/lib/rpm/rpmdb.sqlite");
  REQUIRE(db != nullptr);
  CHECK(res.keep.contains("var/lib/rpm/rpmdb.sqlite"));
  CHECK(res.keep.contains("var/lib/rpm/.rpm.lock"));
  // The log and its index are merged into the copy: an old log beside it would corrupt it.
  CHECK_FALSE(res.keep.contains("var/lib/rpm/rpmdb.sqlite-wal"));
  CHECK_FALSE(res.keep.contains("var/lib/rpm/rpmdb.sqlite-shm"));
  CHECK(has_note(res, "rpm database trimmed to the kept packages"));

  auto listed = read_rpm_sqlite(db->contents, "generated");
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].name == "web-common");  // by header number, as installed
  CHECK(listed[1].name == "web");
  // Debian's rpm reads it, and its indexes (names, provides, file names) agree.
  CHECK(rpm_query(db->contents, "-qa") == "web-1.0-1.x86_64\nweb-common-1.0-1.x86_64\n");
  CHECK(rpm_query(db->contents, "-q --whatprovides httpd") == "web-1.0-1.x86_64\n");
  CHECK(rpm_query(db->contents, "-q --whatprovides /usr/share/web/mime.types") ==
        "web-common-1.0-1.x86_64\n");
  CHECK(rpm_query(db->contents, "-q --whatprovides /usr/bin/webctl").find("webtools") ==
        std::string::npos);
  CHECK(rpm_query(db->contents, "-q webtools") == "package webtools is not installed\n");
  CHECK(rpm_query(db->contents, "-q --whatrequires webtools") ==
        "web-1.0-1.x86_64\n");  // Requires are the package's own, as installed
  // The deleted headers are gone from the file, not only from the tables.
  CHECK(db->contents.find("/usr/bin/webctl") == std::string::npos);
  CHECK(db->contents.size() < tree.find("var/lib/rpm/rpmdb.sqlite")->size);

  // The stripped tree has the new database in place of the old one.
  FileTree stripped = stripped_tree(tree, res);
  CHECK(stripped.read("var/lib/rpm/rpmdb.sqlite", size_t{1} << 30) == db->contents);
}

TEST_CASE("rpm image: a database with headers still in its write-ahead log") {
  TreeBuilder b;
  b.copy_dir(rpm_roots() / "sqlite-wal");
  FileTree tree = b.build();
  auto res = strip(tree, packages({"libgreet"}));
  const GeneratedFile* db = generated(res, "var/lib/rpm/rpmdb.sqlite");
  REQUIRE(db != nullptr);
  CHECK_FALSE(res.keep.contains("var/lib/rpm/rpmdb.sqlite-wal"));
  // hnum 100, only in the log, is a second copy of libgreet's header (hnum 1): both are kept.
  CHECK(rpm_query(db->contents, "-qa") ==
        "libgreet-0.9-1.fc40.x86_64\nlibgreet-0.9-1.fc40.x86_64\n");
  auto hello = strip(tree, packages({"hello"}, DepsMode::None));
  CHECK(rpm_query(generated(hello, "var/lib/rpm/rpmdb.sqlite")->contents, "-qa") ==
        "hello-1.0-3.x86_64\n");
}

TEST_CASE("rpm image: a Berkeley DB database is kept as it is, with a note") {
  TreeBuilder b;
  b.copy_dir(rpm_roots() / "bdb");
  b.file("usr/bin/hello", "#!/bin/sh\necho hello\n", 0755);
  FileTree tree = b.build();
  auto res = strip(tree, packages({"hello"}));
  CHECK(kept_packages(res) == std::vector<std::string>{"hello"});
  CHECK(res.keep.contains("usr/bin/hello"));
  CHECK(res.keep.contains("var/lib/rpm/Packages"));
  CHECK(generated(res, "var/lib/rpm/Packages") == nullptr);
  CHECK(has_note(res, "rpm Berkeley DB database kept as it is"));
}

TEST_CASE("rpm: trimming a database to no packages, and hostile input") {
  auto roots = rpm_roots();
  std::string bytes = read_file(roots / "sqlite/var/lib/rpm/rpmdb.sqlite", size_t{1} << 30);
  std::string empty = trim_rpm_sqlite(bytes, std::nullopt, {}, "db");
  CHECK(read_rpm_sqlite(empty, "empty").empty());
  CHECK(rpm_query(empty, "-qa").empty());
  CHECK_THROWS_AS(trim_rpm_sqlite("not a database", std::nullopt, {}, "db"), Error);
}
