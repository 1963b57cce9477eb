#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.h"
#include "report/report.h"
#include "resolve/resolver.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using imgstrip::test::config_json;
using imgstrip::test::TreeBuilder;

namespace {

// A small Debian-like image: a metapackage, a program split over two binary packages of one
// source, a library dependency, helpers, a symlink into another package, a conf.d symlink
// made by a postinst, and an entrypoint script.
FileTree web_tree() {
  TreeBuilder b;
  b.file("bin/sh", "shell", 0755)
      .file("usr/bin/mkdir", "mkdir", 0755)
      .file("usr/bin/helper-tool", "helper", 0755)
      .file("usr/bin/unused", "unused", 0755)
      .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
      .file("etc/group", "root:x:0:\n")
      .file("etc/localtime", "TZif")
      .file("docker-entrypoint.sh", "#!/bin/sh\nset -e\nmkdir -p /run/app\nexec \"$@\"\n", 0755)
      .file("srv/www/index.html", "<html/>")
      .file("etc/app/conf.d/.keep", "")
      .symlink("etc/app/conf.d/10-ext.conf", "../mods/ext.conf")
      .dir("var/log/app")
      .file("usr/share/doc/app-meta/copyright", "c")
      .file("usr/sbin/appd", "#!/bin/sh\nexec helper-tool --run\n", 0755)
      .file("etc/app/app.conf", "include /etc/app/conf.d/*.conf;\nroot /srv/www;\n")
      .file("usr/share/doc/app-core/README", "docs")
      .file("usr/share/man/man8/appd.8.gz", "man")
      .symlink("usr/lib/app/tool-link", "/usr/lib/other/tool")
      .file("usr/share/app/data.txt", "data")
      .file("usr/lib/other/tool", "tool", 0755)
      .file("etc/app/mods/ext.conf", "ext")
      .file("usr/lib/libfoo.so.1", "foo")
      .file("usr/bin/unrelated", "u", 0755);
  b.package("app-meta", {"usr/share/doc/app-meta/copyright"}, "Depends: app-core (>= 1)\n");
  b.package("app-core",
            {"usr/sbin/appd", "etc/app/app.conf", "etc/app/conf.d", "usr/share/doc/app-core/README",
             "usr/share/man/man8/appd.8.gz", "var/log/app", "usr/lib/app/tool-link"},
            "Source: app\nDepends: app-data, libfoo1 (>= 1), ucf, systemd | systemd-tmpfiles\n"
            "Conffiles:\n /etc/app/app.conf 0123456789abcdef0123456789abcdef\n");
  b.package("app-data", {"usr/share/app/data.txt"}, "Source: app (1.0-1)\n");
  b.package("other-tool", {"usr/lib/other/tool"});
  b.package("app-ext", {"etc/app/mods/ext.conf"});
  b.package("libfoo1", {"usr/lib/libfoo.so.1"}, "Source: foo\n");
  b.package("ucf", {}, "Essential: no\n");
  b.package("unrelated", {"usr/bin/unrelated"}, "Essential: yes\n");
  return b.build();
}

const ImageConfig& web_config() {
  static ImageConfig c = config_json(R"({"Entrypoint":["/docker-entrypoint.sh"],"Cmd":["appd"]})");
  return c;
}

bool has_kind(const Resolution& r, const std::string& path, ReasonKind kind) {
  for (auto& reason : r.keep.reasons(path)) {
    if (reason.kind == kind) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("resolver: packages, deps auto, docs, scripts, configs, unowned conf.d entries") {
  FileTree tree = web_tree();
  StripRequest req;
  req.packages = {"app-meta"};
  Resolution r = resolve(tree, web_config(), req);
  const KeepSet& k = r.keep;

  // Metapackage expanded; same-source Depends followed; docs dropped. appd is a command
  // the image runs (Cmd), so it stays as that, not as a file of its package.
  CHECK(has_kind(r, "etc/app/app.conf", ReasonKind::Package));
  CHECK(has_kind(r, "usr/sbin/appd", ReasonKind::Entrypoint));
  CHECK_FALSE(has_kind(r, "usr/sbin/appd", ReasonKind::Package));
  CHECK(k.contains("usr/share/app/data.txt"));
  CHECK_FALSE(k.contains("usr/share/doc/app-core/README"));
  CHECK_FALSE(k.contains("usr/share/man/man8/appd.8.gz"));
  CHECK_FALSE(k.contains("usr/share/doc/app-meta/copyright"));
  // A library of another source and helpers are not followed, and reported.
  CHECK_FALSE(k.contains("usr/lib/libfoo.so.1"));
  auto skipped = [&](const std::string& dep) {
    return std::any_of(r.not_followed.begin(), r.not_followed.end(),
                       [&](auto& s) { return s.dependency.starts_with(dep); });
  };
  CHECK(skipped("libfoo1"));
  CHECK(skipped("ucf"));
  // The symlink of a named package pulls the package owning its target.
  CHECK(k.contains("usr/lib/app/tool-link"));
  CHECK(k.contains("usr/lib/other/tool"));
  auto other = std::find_if(r.packages.begin(), r.packages.end(),
                            [](auto& p) { return p.package->name == "other-tool"; });
  REQUIRE(other != r.packages.end());
  CHECK(other->named);
  // Entrypoint script, its interpreter and its commands; Cmd through PATH.
  CHECK(has_kind(r, "docker-entrypoint.sh", ReasonKind::Entrypoint));
  CHECK(has_kind(r, "bin/sh", ReasonKind::Interpreter));
  CHECK(has_kind(r, "usr/bin/mkdir", ReasonKind::Command));
  CHECK(has_kind(r, "usr/bin/helper-tool", ReasonKind::Command));  // from appd
  CHECK_FALSE(k.contains("usr/bin/unused"));
  CHECK_FALSE(k.contains("usr/bin/unrelated"));
  // Configuration references: a glob and a directory.
  CHECK(has_kind(r, "srv/www/index.html", ReasonKind::ConfigRef));
  CHECK(std::any_of(k.reasons("srv/www/index.html").begin(), k.reasons("srv/www/index.html").end(),
                    [](auto& r) { return r.detail == "referenced by /etc/app/app.conf:2"; }));
  // The postinst-made conf.d symlink is kept and pulls in the package of its target.
  CHECK(has_kind(r, "etc/app/conf.d/10-ext.conf", ReasonKind::UnownedEntry));
  CHECK(k.contains("etc/app/mods/ext.conf"));
  auto ext = std::find_if(r.packages.begin(), r.packages.end(),
                          [](auto& p) { return p.package->name == "app-ext"; });
  CHECK(ext != r.packages.end());
  // Empty state directories of kept packages; essentials; /tmp made when missing.
  CHECK(k.contains("var/log/app"));
  CHECK(has_kind(r, "etc/passwd", ReasonKind::Essential));
  CHECK(has_kind(r, "etc/localtime", ReasonKind::Essential));
  CHECK(std::any_of(r.generated.begin(), r.generated.end(),
                    [](auto& g) { return g.entry.path == "tmp" && g.entry.mode == 01777; }));
  // The dpkg database lists the kept packages only, with trimmed file lists.
  auto status = std::find_if(r.generated.begin(), r.generated.end(),
                             [](auto& g) { return g.entry.path == "var/lib/dpkg/status"; });
  REQUIRE(status != r.generated.end());
  CHECK(status->contents.find("Package: app-core\n") != std::string::npos);
  CHECK(status->contents.find("Package: unrelated\n") == std::string::npos);
  CHECK(status->contents.find("Package: libfoo1\n") == std::string::npos);
  auto list = std::find_if(r.generated.begin(), r.generated.end(), [](auto& g) {
    return g.entry.path == "var/lib/dpkg/info/app-core.list";
  });
  REQUIRE(list != r.generated.end());
  CHECK(list->contents.find("/usr/sbin/appd\n") != std::string::npos);
  CHECK(list->contents.find("README") == std::string::npos);
  CHECK(k.contains("var/lib/dpkg/status"));
  CHECK_FALSE(k.contains("var/lib/dpkg/info/unrelated.list"));
  // Every path is either kept or removed.
  CHECK(std::find(r.removed.begin(), r.removed.end(), "usr/bin/unused") != r.removed.end());
  CHECK(r.removed.size() + k.size() >= tree.size() - 1);
  // Per-package sizes.
  auto core = std::find_if(r.package_sizes.begin(), r.package_sizes.end(),
                           [](auto& s) { return s.name == "app-core"; });
  REQUIRE(core != r.package_sizes.end());
  CHECK(core->kept);
  CHECK(core->files_before == 4);
  CHECK(core->files_after == 2);
  // The why chain and the report.
  auto why = why_text(r, "/usr/bin/helper-tool");
  CHECK(why.find("command in /usr/sbin/appd:2") != std::string::npos);
  CHECK(why.find("/usr/sbin/appd: cmd appd") != std::string::npos);
  CHECK(why_text(r, "etc/app/app.conf").find("package app-core") != std::string::npos);
  Json report = report_json(r, tree);
  CHECK(report["summary"]["kept"] == k.size());
  CHECK(report["kept"].size() == k.size());
  CHECK(report["not_followed"].size() == r.not_followed.size());
}

TEST_CASE("resolver: the written tree carries the generated files") {
  FileTree tree = web_tree();
  StripRequest req;
  req.packages = {"app-core"};
  Resolution r = resolve(tree, web_config(), req);
  FileTree out = stripped_tree(tree, r);
  auto status = out.read("var/lib/dpkg/status", 1 << 20);
  REQUIRE(status);
  CHECK(status->find("Package: unrelated") == std::string::npos);
  const Entry* tmp = out.find("tmp");
  REQUIRE(tmp != nullptr);
  CHECK(tmp->type == FileType::Directory);
  for (auto& p : r.paths())
    CHECK(out.find(p) != nullptr);
}

TEST_CASE("resolver: --deps none and all") {
  FileTree tree = web_tree();
  StripRequest req;
  req.packages = {"app-core"};
  req.deps = DepsMode::None;
  Resolution none = resolve(tree, web_config(), req);
  CHECK_FALSE(none.keep.contains("usr/share/app/data.txt"));
  CHECK(none.keep.contains("usr/sbin/appd"));

  req.deps = DepsMode::All;
  Resolution all = resolve(tree, web_config(), req);
  CHECK(all.keep.contains("usr/share/app/data.txt"));
  CHECK(all.keep.contains("usr/lib/libfoo.so.1"));
}

TEST_CASE("resolver: -f globs and directories, -r wins, --keep-docs") {
  FileTree tree = web_tree();
  StripRequest req;
  req.packages = {"app-core"};
  req.files = {"/usr/bin/unuse?", "/usr/share/doc"};
  req.excludes = {"/srv/www", "/usr/share/doc/app-meta/*"};
  Resolution r = resolve(tree, web_config(), req);
  CHECK(has_kind(r, "usr/bin/unused", ReasonKind::File));
  CHECK(r.keep.contains("usr/share/doc/app-core/README"));
  CHECK_FALSE(r.keep.contains("usr/share/doc/app-meta/copyright"));
  CHECK_FALSE(r.keep.contains("srv/www/index.html"));
  CHECK_FALSE(r.keep.contains("srv/www"));
  CHECK(why_text(r, "/srv/www").find("removed by -r") != std::string::npos);

  StripRequest docs;
  docs.packages = {"app-core"};
  docs.keep_docs = true;
  CHECK(resolve(tree, web_config(), docs).keep.contains("usr/share/man/man8/appd.8.gz"));
}

TEST_CASE("resolver: unknown packages are usage errors; no config entrypoint is fine") {
  FileTree tree = web_tree();
  StripRequest req;
  req.packages = {"no-such-package"};
  CHECK_THROWS_AS(resolve(tree, config_json("{}"), req), UsageError);
  StripRequest empty;
  Resolution r = resolve(tree, config_json("{}"), empty);
  CHECK_FALSE(r.keep.contains("usr/sbin/appd"));
  CHECK(r.keep.contains("etc/passwd"));
}

TEST_CASE("resolver: #!/usr/bin/env goes through PATH; the image's PATH is used") {
  FileTree tree = TreeBuilder()
                      .file("usr/bin/env", "env", 0755)
                      .file("opt/py/bin/python3", "py", 0755)
                      .file("usr/bin/python3", "other", 0755)
                      .file("app/main.py", "#!/usr/bin/env python3\nimport os\n", 0755)
                      .build();
  auto config = config_json(
      R"({"Env":["PATH=/opt/py/bin:/usr/bin"],"Entrypoint":["main.py"],"WorkingDir":"/app"})");
  // main.py is not in PATH: a bare name is not looked up in the working directory (it is
  // kept as the application in the working directory, not as the entrypoint).
  Resolution r = resolve(tree, config, {});
  CHECK_FALSE(has_kind(r, "app/main.py", ReasonKind::Entrypoint));
  auto config2 = config_json(R"({"Env":["PATH=/opt/py/bin:/usr/bin"],"Cmd":["/app/main.py"]})");
  Resolution r2 = resolve(tree, config2, {});
  CHECK(r2.keep.contains("app/main.py"));
  CHECK(has_kind(r2, "usr/bin/env", ReasonKind::Interpreter));
  CHECK(has_kind(r2, "opt/py/bin/python3", ReasonKind::Interpreter));
  CHECK_FALSE(r2.keep.contains("usr/bin/python3"));
}

TEST_CASE("resolver: login shells named in the account files are not kept for that") {
  FileTree tree = TreeBuilder()
                      .file("usr/bin/bash", "bash", 0755)
                      .file("bin/sh", "sh", 0755)
                      .file("etc/passwd", "root:x:0:0:root:/root:/usr/bin/bash\n")
                      .file("etc/shells", "/bin/sh\n/usr/bin/bash\n")
                      .file("etc/group", "root:x:0:\n")
                      .build();
  Resolution r = resolve(tree, config_json("{}"), {});
  CHECK(r.keep.contains("etc/passwd"));
  CHECK_FALSE(r.keep.contains("usr/bin/bash"));
  CHECK_FALSE(r.keep.contains("bin/sh"));
}
