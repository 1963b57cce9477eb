// The resolver on an Alpine-like image: the apk database fixture (tests/fixtures/apk) with
// the files it lists. Nothing here is an ELF file (musl binaries cannot run on this host),
// so these are the package, reference and database checks; the musl loader's search rules
// are tested in tests/unit/elf.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.h"
#include "pkgdb/apk.h"
#include "resolve/resolver.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using imgstrip::test::config_json;
using imgstrip::test::kept_packages;
using imgstrip::test::packages;
using imgstrip::test::TreeBuilder;

namespace {

// The fixture, with a man page and a README added to nginx's entry (Alpine ships them in
// nginx-doc; here they test that documentation is dropped) and nginx-doc, a package of the
// same origin with nothing but documentation.
std::string installed_db() {
  std::string text = read_file(test::source_dir() / "tests/fixtures/apk/installed", 1 << 20);
  const std::string last = "F:var/log/nginx\nM:100:101:750\n";
  size_t at = text.find(last);
  REQUIRE(at != std::string::npos);
  text.insert(at + last.size(),
              "F:usr/share/man/man8\nR:nginx.8.gz\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  if (!text.ends_with("\n\n")) text += "\n";
  text +=
      "P:nginx-doc\nV:1.24.0-r15\nA:x86_64\no:nginx\nF:usr\nF:usr/share\nF:usr/share/doc\n"
      "F:usr/share/doc/nginx\nR:README\n\n";
  return text;
}

FileTree alpine_tree() {
  TreeBuilder b;
  b.file("lib/apk/db/installed", installed_db())
      .file("lib/apk/db/triggers", "")
      .file("etc/apk/world", "nginx\n")
      .file("etc/apk/repositories", "https://dl-cdn.alpinelinux.org/alpine/v3.19/main\n")
      .file("etc/alpine-release", "3.19.1\n")
      .file("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\n")
      .file("etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\nnginx:x:100:101::/var/lib/nginx:/sbin/nologin\n")
      .file("etc/group", "root:x:0:\nnginx:x:101:\n")
      // musl
      .file("lib/ld-musl-x86_64.so.1", "musl loader", 0755)
      .symlink("lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1")
      // busybox, busybox-binsh
      .file("bin/busybox", "busybox", 0755)
      .symlink("bin/sh", "/bin/busybox")
      .file("etc/securetty", "console\n")
      .file("etc/udhcpd.conf", "start 192.168.0.20\n")
      .file("etc/logrotate.d/acpid", "/var/log/acpid.log {}\n")
      .dir("etc/network/if-up.d")
      .dir("usr/sbin")
      .file("usr/share/udhcpc/default.script", "#!/bin/sh\necho lease\n", 0755)
      .dir("var/cache/misc")
      // pcre2
      .file("usr/lib/libpcre2-8.so.0.11.2", "pcre2", 0755)
      .symlink("usr/lib/libpcre2-8.so.0", "libpcre2-8.so.0.11.2")
      .file("usr/lib/libpcre2-posix.so.3.0.4", "pcre2-posix", 0755)
      .symlink("usr/lib/libpcre2-posix.so.3", "libpcre2-posix.so.3.0.4")
      // nginx, nginx-doc
      .file("etc/nginx/fastcgi.conf", "fastcgi_param X 1;\n")
      .file("etc/nginx/mime.types", "types {}\n")
      .file("etc/nginx/nginx.conf",
            "user nginx;\ninclude /etc/nginx/http.d/*.conf;\ninclude /etc/nginx/mime.types;\n")
      .file("etc/nginx/http.d/default.conf", "server { root /var/www/localhost/htdocs; }\n")
      .file("var/www/localhost/htdocs/index.html", "<html/>")
      .file("usr/sbin/nginx", "nginx", 0755)
      .dir("var/lib/nginx", 0750)
      .dir("var/log/nginx", 0750)
      .file("usr/share/man/man8/nginx.8.gz", "man")
      .file("usr/share/doc/nginx/README", "readme")
      .file("srv/unrelated", "x");
  return b.build();
}

Resolution strip(StripRequest r) {
  static FileTree tree = alpine_tree();
  static ImageConfig config = config_json(
      R"({"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]})");
  r.entrypoint = false;
  return resolve(tree, config, r);
}

std::string skipped(const Resolution& res, const std::string& package, const std::string& dep) {
  for (auto& s : res.not_followed) {
    if (s.package == package && s.dependency.starts_with(dep)) return s.why;
  }
  return "followed";
}

// The written-back installed file, parsed.
std::vector<Package> written_db(const Resolution& res) {
  for (auto& g : res.generated) {
    if (g.entry.path == "lib/apk/db/installed") return parse_apk_installed(g.contents, "written");
  }
  FAIL("no lib/apk/db/installed written");
  return {};
}

bool has(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

TEST_CASE("apk image: -p keeps the package's files, not other origins' nor documentation") {
  auto res = strip(packages({"nginx"}));
  CHECK(res.package_db == "apk");
  CHECK(kept_packages(res) == std::vector<std::string>{"nginx"});
  auto& keep = res.keep;
  for (const char* p : {"usr/sbin/nginx", "etc/nginx/nginx.conf", "etc/nginx/mime.types",
                        "etc/nginx/http.d/default.conf", "var/lib/nginx", "var/log/nginx"}) {
    CHECK(keep.contains(p));
  }
  // Configuration references: the root directory default.conf names.
  CHECK(keep.contains("var/www/localhost/htdocs/index.html"));
  CHECK_FALSE(keep.contains("usr/share/man/man8/nginx.8.gz"));
  CHECK_FALSE(keep.contains("usr/share/doc/nginx/README"));
  CHECK_FALSE(keep.contains("usr/lib/libpcre2-8.so.0.11.2"));  // pcre2: left to the ELF closure
  CHECK_FALSE(keep.contains("bin/busybox"));
  CHECK_FALSE(keep.contains("srv/unrelated"));
  // Every D: not followed is listed, with why.
  CHECK(skipped(res, "nginx", "/bin/sh") == "a command (kept where something runs it)");
  CHECK(skipped(res, "nginx", "so:libc.musl-x86_64.so.1") == "library (left to the ELF closure)");
  CHECK(skipped(res, "nginx", "so:libpcre2-8.so.0") == "library (left to the ELF closure)");
  CHECK(skipped(res, "nginx", "so:libssl.so.3") == "not installed");
  // Essentials of an Alpine image.
  CHECK(keep.contains("etc/alpine-release"));
  CHECK(keep.contains("etc/passwd"));
}

TEST_CASE("apk image: --deps auto follows D: of the same origin") {
  auto res = strip(packages({"busybox-binsh"}));
  CHECK(kept_packages(res) == std::vector<std::string>{"busybox", "busybox-binsh"});
  CHECK(res.keep.contains("bin/sh"));
  CHECK(res.keep.contains("bin/busybox"));
  CHECK(res.packages[1].package->name == "busybox");
  CHECK(res.packages[1].reason == "Depends of busybox-binsh (same source busybox)");
  // busybox is reached through Depends: its executable scripts wait for something to run them.
  CHECK_FALSE(res.keep.contains("usr/share/udhcpc/default.script"));
  CHECK(skipped(res, "busybox", "so:libc.musl-x86_64.so.1") == "library (left to the ELF closure)");
  CHECK_FALSE(res.keep.contains("lib/ld-musl-x86_64.so.1"));

  // Under --deps none busybox still comes along: bin/sh, a symlink of the named
  // busybox-binsh, points at /bin/busybox, and the target's package is kept as if named.
  auto none = strip(packages({"busybox-binsh"}, DepsMode::None));
  CHECK(kept_packages(none) == std::vector<std::string>{"busybox", "busybox-binsh"});
  CHECK(none.packages[1].reason.find("the target of /bin/sh of busybox-binsh") !=
        std::string::npos);
  CHECK(skipped(none, "busybox-binsh", "busybox") == "followed");  // kept in the end

  auto all = strip(packages({"nginx"}, DepsMode::All));
  CHECK(kept_packages(all) ==
        std::vector<std::string>{"busybox", "busybox-binsh", "musl", "nginx", "pcre2"});
  CHECK(all.keep.contains("lib/ld-musl-x86_64.so.1"));
  CHECK(all.keep.contains("usr/lib/libpcre2-8.so.0"));

  // nginx-doc has nothing but documentation, but no D: either: it keeps only itself.
  auto doc = strip(packages({"nginx-doc"}));
  CHECK(kept_packages(doc) == std::vector<std::string>{"nginx-doc"});
  CHECK_FALSE(doc.keep.contains("usr/share/doc/nginx/README"));
}

TEST_CASE("apk image: virtual names from p: (cmd:, so:, paths)") {
  CHECK(kept_packages(strip(packages({"cmd:nginx"}))) == std::vector<std::string>{"nginx"});
  CHECK(kept_packages(strip(packages({"so:libpcre2-8.so.0"}))) ==
        std::vector<std::string>{"pcre2"});
  CHECK(kept_packages(strip(packages({"so:libc.musl-x86_64.so.1"}))) ==
        std::vector<std::string>{"musl"});
  CHECK(kept_packages(strip(packages({"cmd:sh"}))) ==
        std::vector<std::string>{"busybox", "busybox-binsh"});
  CHECK(kept_packages(strip(packages({"/bin/sh"}))) ==
        std::vector<std::string>{"busybox", "busybox-binsh"});
  CHECK_THROWS_AS(strip(packages({"cmd:curl"})), UsageError);
}

TEST_CASE("apk image: -r wins; --keep-docs") {
  StripRequest r = packages({"nginx"});
  r.excludes = {"/etc/nginx/http.d", "/var/log/*"};
  auto res = strip(r);
  CHECK(res.keep.contains("usr/sbin/nginx"));
  CHECK_FALSE(res.keep.contains("etc/nginx/http.d/default.conf"));
  // Named by default.conf, which -r removed; still the site's own content (no package
  // owns it), kept as the application.
  for (auto& reason : res.keep.reasons("var/www/localhost/htdocs/index.html"))
    CHECK(reason.kind == ReasonKind::Application);
  CHECK_FALSE(res.keep.contains("var/log/nginx"));

  StripRequest docs = packages({"nginx"});
  docs.keep_docs = true;
  auto kept = strip(docs);
  CHECK(kept.keep.contains("usr/share/man/man8/nginx.8.gz"));
  CHECK_FALSE(kept.keep.contains("usr/share/doc/nginx/README"));  // nginx-doc's
}

TEST_CASE("apk image: lib/apk/db/installed is written back with the kept packages and files") {
  auto res = strip(packages({"busybox-binsh", "nginx"}));
  auto db = written_db(res);
  REQUIRE(db.size() == 3);
  CHECK(db[0].name == "busybox");  // in the database's order
  CHECK(db[1].name == "busybox-binsh");
  CHECK(db[2].name == "nginx");
  const Package& nginx = db[2];
  CHECK(nginx.version == "1.24.0-r15");
  CHECK(nginx.source == "nginx");
  CHECK(nginx.depends.size() == 6);
  CHECK(nginx.provides[0].name == "cmd:nginx");
  CHECK(has(nginx.files, "usr/sbin/nginx"));
  CHECK(has(nginx.files, "etc/nginx/http.d/default.conf"));
  CHECK(has(nginx.files, "var/log/nginx"));
  CHECK_FALSE(has(nginx.files, "usr/share/man/man8/nginx.8.gz"));  // dropped as documentation
  CHECK_FALSE(has(nginx.files, "usr/share/man/man8"));
  CHECK(res.keep.contains("lib/apk/db/installed"));
  for (const char* p : {"lib/apk/db/triggers", "etc/apk/world", "etc/apk/repositories"})
    CHECK(res.keep.contains(p));

  std::string text;
  for (auto& g : res.generated) {
    if (g.entry.path == "lib/apk/db/installed") text = g.contents;
  }
  // Each file keeps its checksum and owner lines; a removed file takes its own along.
  CHECK(text.find("R:nginx\na:0:0:755\nZ:Q1WaFbwSSN0JVxvJ1sR3bdxWKnmYE=\n") != std::string::npos);
  CHECK(text.find("F:var/log/nginx\nM:100:101:750\n") != std::string::npos);
  CHECK(text.find("nginx.8.gz") == std::string::npos);
  CHECK(text.find("Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=") == std::string::npos);
  CHECK(text.find("P:musl") == std::string::npos);
  CHECK(text.find("P:nginx-doc") == std::string::npos);
  CHECK(text.ends_with("\n\n"));
  CHECK_FALSE(text.ends_with("\n\n\n"));
  CHECK(text.find("\n\n\n") == std::string::npos);

  // -r takes a whole directory out of the entry.
  StripRequest r = packages({"nginx"});
  r.excludes = {"/etc/nginx/http.d"};
  auto trimmed = written_db(strip(r));
  REQUIRE(trimmed.size() == 1);
  CHECK_FALSE(has(trimmed[0].files, "etc/nginx/http.d"));
  CHECK_FALSE(has(trimmed[0].files, "etc/nginx/http.d/default.conf"));
  CHECK(has(trimmed[0].files, "etc/nginx/nginx.conf"));
}

TEST_CASE("apk image: the stripped tree has the trimmed database") {
  FileTree tree = alpine_tree();
  auto res = resolve(tree, config_json("{}"), packages({"nginx"}));
  FileTree stripped = stripped_tree(tree, res);
  auto text = stripped.read("lib/apk/db/installed", 1 << 20);
  REQUIRE(text);
  auto db = parse_apk_installed(*text, "stripped");
  REQUIRE(db.size() == 1);
  CHECK(db[0].name == "nginx");
}
