// The resolver on a real Debian bookworm root (tests/fixtures/make-debian-apps.sh): what is
// kept and not for nginx + php-fpm, curl, memcached and a Python script, and the strongest
// check: the kept files, written to a directory, run the application under chroot.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>

#include "core/tempdir.h"
#include "report/report.h"
#include "resolve/resolver.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using namespace imgstrip::test;

namespace {

const FileTree& debian_tree() {
  static FileTree tree = flatten_tar(fixture_tar("make-debian-apps.sh"));
  return tree;
}

void add_file(FileTree& tree, const std::string& path, const std::string& data, uint32_t mode) {
  for (size_t s = path.find('/'); s != std::string::npos; s = path.find('/', s + 1)) {
    if (tree.find(path.substr(0, s)) != nullptr) continue;
    Entry d;
    d.path = path.substr(0, s);
    d.type = FileType::Directory;
    d.mode = 0755;
    tree.insert(d);
  }
  Entry e;
  e.path = path;
  e.mode = mode;
  e.size = data.size();
  e.content = tree.contents()->append(data);
  tree.insert(e);
}

FileTree with_file(const std::string& path, const std::string& data, uint32_t mode) {
  FileTree tree = debian_tree();
  add_file(tree, path, data, mode);
  return tree;
}

bool kept_under(const Resolution& r, const std::string& dir) {
  for (auto& [p, _] : r.keep.entries()) {
    if (p.starts_with(dir + "/")) return true;
  }
  return false;
}

// Runs `command` (a shell command line) with the kept selection as root, capturing output.
struct RunResult {
  int status = -1;
  std::string output;
};

RunResult run_in(const FileTree& tree, const Resolution& r, const std::string& command) {
  TempDir dir("imgstrip-resolve");
  FileTree out = stripped_tree(tree, r);
  extract(out, r.paths(), dir.path() / "root");
  // What a container runtime provides: /dev with its basic nodes.
  std::string dev = (dir.path() / "root/dev").string();
  std::string mk = "mkdir -p " + dev + " && mknod -m 666 " + dev + "/null c 1 3 && mknod -m 666 " +
                   dev + "/zero c 1 5 && mknod -m 666 " + dev + "/urandom c 1 9";
  if (std::system(mk.c_str()) != 0) return {};
  std::string line = "chroot " + (dir.path() / "root").string() + " " + command + " 2>&1";
  FILE* p = ::popen(line.c_str(), "r");
  RunResult result;
  if (p == nullptr) return result;
  char buf[4096];
  while (size_t n = ::fread(buf, 1, sizeof buf, p))
    result.output.append(buf, n);
  int rc = ::pclose(p);
  result.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return result;
}

}  // namespace

TEST_CASE("debian: nginx + php-fpm keeps what runs and drops the rest", "[debian]") {
  FileTree tree =
      with_file("docker-entrypoint.sh",
                "#!/bin/sh\nset -e\nphp-fpm8.2 -D\nexec nginx -g 'daemon off;'\n", 0755);
  auto config = config_json(R"({"Entrypoint":["/docker-entrypoint.sh"]})");
  StripRequest req;
  req.packages = {"nginx-light", "php-fpm"};
  Resolution r = resolve(tree, config, req);
  const KeepSet& k = r.keep;
  INFO(report_json(r, tree)["not_followed"].dump(1));

  CHECK_FALSE(kept_under(r, "usr/share/doc"));
  CHECK_FALSE(kept_under(r, "usr/share/man"));
  CHECK(k.contains("usr/sbin/nginx"));
  CHECK(k.contains("usr/sbin/php-fpm8.2"));
  // php8.2-cli is reached through Depends (same source as php8.2-fpm): its data stays, its
  // command only where something runs it, and nothing here does.
  CHECK(k.contains("usr/lib/php/8.2/sapi/cli"));
  CHECK_FALSE(k.contains("usr/bin/php8.2"));
  // nginx's module configs, through its include glob (and the postinst symlinks).
  CHECK(k.contains("etc/nginx/nginx.conf"));
  CHECK(k.contains("etc/nginx/sites-enabled/default"));
  CHECK(k.contains("var/www/html"));
  // php's conf.d symlinks pull in the sqlite and mysql extensions and their libraries.
  CHECK(k.contains("etc/php/8.2/fpm/conf.d/20-sqlite3.ini"));
  CHECK(k.contains("usr/lib/php/20220829/pdo_sqlite.so"));
  CHECK(k.contains("usr/lib/php/20220829/mysqli.so"));
  CHECK(k.contains("usr/lib/x86_64-linux-gnu/libsqlite3.so.0"));
  std::string why = why_text(r, "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0");
  INFO(why);
  CHECK(why.find("sqlite3.so") != std::string::npos);
  CHECK(why.find("/conf.d/20-pdo_sqlite.ini") != std::string::npos);
  // State directories of kept packages stay, empty or not.
  CHECK(k.contains("var/log/nginx"));
  CHECK(k.contains("var/lib/nginx"));
  // Helpers are not followed, and listed.
  CHECK_FALSE(k.contains("usr/bin/ucf"));
  CHECK_FALSE(k.contains("usr/bin/systemctl"));
  CHECK(std::any_of(r.not_followed.begin(), r.not_followed.end(),
                    [](auto& s) { return s.dependency.starts_with("ucf"); }));
  CHECK(k.contains("etc/passwd"));
  CHECK(k.contains("tmp"));
  CHECK_FALSE(k.contains("etc/ld.so.cache"));
  CHECK(r.bytes_after * 2 < r.bytes_before);
  // Directory symlinks (lib -> usr/lib) in a package's list pull in nobody.
  CHECK_FALSE(k.contains("usr/bin/apt"));
  CHECK_FALSE(k.contains("usr/bin/perl"));
  std::set<std::string> names;
  for (auto& p : r.packages)
    names.insert(p.package->name);
  CHECK(names.count("php8.2-sqlite3") == 1);
  CHECK(names.count("php8.2-mysql") == 1);
  CHECK(names.count("apt") == 0);

  SECTION("the kept files run: nginx -t, php-fpm -t, php -m") {
    auto nginx = run_in(tree, r, "/usr/sbin/nginx -t");
    INFO(nginx.output);
    CHECK(nginx.status == 0);
    auto fpm = run_in(tree, r, "/usr/sbin/php-fpm8.2 -t");
    INFO(fpm.output);
    CHECK(fpm.status == 0);
    auto php = run_in(tree, r, "/usr/sbin/php-fpm8.2 -m");
    INFO(php.output);
    CHECK(php.status == 0);
    CHECK(php.output.find("pdo_sqlite") != std::string::npos);
    CHECK(php.output.find("mysqli") != std::string::npos);
  }
}

TEST_CASE("debian: curl keeps the CA certificates and runs", "[debian]") {
  const FileTree& tree = debian_tree();
  StripRequest req;
  req.packages = {"curl"};
  Resolution r = resolve(tree, config_json(R"({"Entrypoint":["curl"]})"), req);
  const KeepSet& k = r.keep;
  CHECK(k.contains("usr/bin/curl"));
  CHECK(k.contains("etc/ssl/certs/ca-certificates.crt"));
  CHECK(kept_under(r, "usr/share/ca-certificates"));
  CHECK(k.contains("etc/ssl/openssl.cnf"));
  CHECK_FALSE(k.contains("usr/sbin/nginx"));
  CHECK_FALSE(kept_under(r, "usr/share/doc"));
  auto curl = run_in(tree, r, "/usr/bin/curl --version");
  INFO(curl.output);
  CHECK(curl.status == 0);
  CHECK(curl.output.find("curl 7.") != std::string::npos);
}

TEST_CASE("debian: memcached runs from its kept files", "[debian]") {
  const FileTree& tree = debian_tree();
  StripRequest req;
  req.packages = {"memcached"};
  Resolution r = resolve(tree, config_json(R"({"Cmd":["memcached"]})"), req);
  CHECK(r.keep.contains("usr/bin/memcached"));
  CHECK_FALSE(r.keep.contains("usr/bin/python3.11"));
  auto m = run_in(tree, r, "/usr/bin/memcached -h");
  INFO(m.output);
  CHECK(m.status == 0);
}

TEST_CASE("debian: a Python script app through a shell entrypoint", "[debian]") {
  FileTree tree =
      with_file("app/app.py", "import json, sys, os\nprint(json.dumps({'ok': True}))\n", 0644);
  add_file(tree, "app/run.sh", "#!/bin/sh\nexec python3 /app/app.py \"$@\"\n", 0755);
  StripRequest req;
  req.packages = {"python3"};
  Resolution r = resolve(tree, config_json(R"({"Entrypoint":["/app/run.sh"]})"), req);
  const KeepSet& k = r.keep;
  CHECK(k.contains("app/app.py"));
  CHECK(k.contains("usr/bin/python3"));
  CHECK(k.contains("usr/bin/python3.11"));  // the symlink pulled python3.11-minimal
  CHECK_FALSE(k.contains("usr/sbin/nginx"));
  auto py = run_in(tree, r, "/app/run.sh");
  INFO(py.output);
  CHECK(py.status == 0);
  CHECK(py.output.find("{\"ok\": true}") != std::string::npos);
}
