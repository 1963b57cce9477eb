// The resolver's rules one by one: Depends with commands and modules kept on demand, the
// application's own files, Perl modules, Entrypoint arguments relative to WORKDIR.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/tempdir.h"
#include "resolve/openssl_dirs.h"
#include "resolve/perl_modules.h"
#include "resolve/resolver.h"
#include "unit/elf/elf_test_util.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using imgstrip::test::config_json;
using imgstrip::test::noted;
using imgstrip::test::packages;
using imgstrip::test::TreeBuilder;
using namespace std::string_literals;

namespace {

std::string first_reason(const Resolution& r, const std::string& path) {
  auto& reasons = r.keep.reasons(path);
  return reasons.empty() ? "" : reasons.front().detail;
}

// A database server split like MariaDB's: the named package, a core package of its own
// source, a client package of another source with many tools, Perl with modules, a library.
FileTree db_tree() {
  TreeBuilder b;
  b.file("bin/sh", "shell", 0755)
      .file("usr/bin/dbd", "server", 0755)
      .file("usr/bin/db-install", "#!/bin/sh\nexec dbd --bootstrap\n", 0755)
      .file("usr/bin/db-tool", "tool", 0755)
      .file("usr/share/db/errmsg.sys", "messages")
      .file("usr/bin/db-client", "client", 0755)
      .file("usr/bin/db-dump", "dump", 0755)
      .file("etc/db/client.cnf", "[client]\n")
      .file("usr/lib/db-client/misc/report.pl", "#!/usr/bin/perl\nuse DBI;\n", 0755)
      .symlink("usr/lib/db-client/misc/report", "report.pl")
      .file("usr/share/i18n/charmap", "data")
      .file("usr/bin/perl", "perl", 0755)
      .file("usr/share/perl/5.36/Getopt/Long.pm", "package Getopt::Long;\n1;\n")
      .file("usr/share/perl/5.36/Unused.pm", "package Unused;\n1;\n")
      .file("usr/share/perl5/DBI.pm", "package DBI;\nuse Getopt::Long;\n1;\n")
      .file("usr/lib/x86_64-linux-gnu/perl5/5.36/auto/DBI/DBI.so", "xs")
      .file("usr/lib/libaio.so.1", "aio")
      .file("usr/bin/ls", "ls", 0755)
      .file("docker-entrypoint.sh", "#!/bin/sh\ndb-install\nexec dbd\n", 0755);
  b.package("db-server", {"usr/bin/db-tool"},
            "Source: db\nDepends: db-core, db-client, perl, libaio1, coreutils\n");
  b.package("db-core", {"usr/bin/dbd", "usr/bin/db-install", "usr/share/db/errmsg.sys"},
            "Source: db\n");
  b.package("db-client",
            {"usr/bin/db-client", "usr/bin/db-dump", "etc/db/client.cnf",
             "usr/lib/db-client/misc/report.pl", "usr/lib/db-client/misc/report"},
            "Source: db-client\nDepends: libdbi-perl, libc-data\n");
  b.package("libc-data", {"usr/share/i18n/charmap"}, "Priority: required\n");
  b.package("perl", {"usr/bin/perl", "usr/share/perl/5.36/Getopt/Long.pm",
                     "usr/share/perl/5.36/Unused.pm"});
  b.package("libdbi-perl",
            {"usr/share/perl5/DBI.pm", "usr/lib/x86_64-linux-gnu/perl5/5.36/auto/DBI/DBI.so"});
  b.package("libaio1", {"usr/lib/libaio.so.1"});
  b.package("coreutils", {"usr/bin/ls"}, "Essential: yes\n");
  return b.build();
}

}  // namespace

TEST_CASE("rules: Depends followed for data, commands and modules kept where used") {
  FileTree tree = db_tree();
  auto config = config_json(R"({"Entrypoint":["/docker-entrypoint.sh"]})");
  Resolution r = resolve(tree, config, packages({"db-server"}));
  const KeepSet& k = r.keep;
  // The named package keeps its data; of its source's commands only those something runs
  // (the entrypoint runs db-install): db-tool is left out, with a note.
  CHECK_FALSE(k.contains("usr/bin/db-tool"));
  CHECK(noted(r, "package db-server: 1 commands nothing in the image runs were left out"));
  // Packages reached through Depends: data and configuration stay...
  CHECK(k.contains("usr/share/db/errmsg.sys"));
  CHECK(k.contains("etc/db/client.cnf"));
  CHECK(first_reason(r, "etc/db/client.cnf").find("(data or modules)") != std::string::npos);
  // ...commands only where something runs them: the entrypoint runs db-install, which
  // runs dbd; nothing runs the client tools or perl.
  CHECK(k.contains("usr/bin/db-install"));
  CHECK(k.contains("usr/bin/dbd"));
  CHECK_FALSE(k.contains("usr/bin/db-client"));
  CHECK_FALSE(k.contains("usr/bin/db-dump"));
  CHECK_FALSE(k.contains("usr/bin/perl"));
  // A program outside PATH waits too, and so does a symlink to it (nothing runs them, so
  // perl, the interpreter of the script, is not pulled in).
  CHECK_FALSE(k.contains("usr/lib/db-client/misc/report.pl"));
  CHECK_FALSE(k.contains("usr/lib/db-client/misc/report"));
  // Perl modules of Depends-reached packages: none is used, none stays.
  CHECK_FALSE(k.contains("usr/share/perl5/DBI.pm"));
  CHECK_FALSE(k.contains("usr/share/perl/5.36/Getopt/Long.pm"));
  CHECK(noted(r, "commands or modules kept only where something uses them"));
  // Libraries and Essential packages are not followed, and say why.
  auto why = [&](const std::string& dep) -> std::string {
    for (auto& s : r.not_followed) {
      if (s.dependency.starts_with(dep)) return s.why;
    }
    return "followed";
  };
  CHECK(why("libaio1") == "library (left to the ELF closure)");
  CHECK(why("coreutils").starts_with("Essential"));
  CHECK(why("libc-data").starts_with("Priority: required"));
  CHECK_FALSE(k.contains("usr/share/i18n/charmap"));
  CHECK(why("perl") == "commands or modules only (kept where something uses them)");
}

TEST_CASE("rules: a Perl script keeps the modules it loads, and theirs") {
  TreeBuilder b;
  b.file("usr/bin/perl", "perl", 0755)
      .file("usr/share/perl/5.36/Getopt/Long.pm", "package Getopt::Long;\n1;\n")
      .file("usr/share/perl/5.36/Unused.pm", "package Unused;\n1;\n")
      .file("usr/share/perl5/DBI.pm", "package DBI;\nuse strict;\nuse Getopt::Long qw(x);\n1;\n")
      .file("usr/share/perl5/DBI/Const.pm", "package DBI::Const;\n1;\n")
      .file("usr/lib/x86_64-linux-gnu/perl5/5.36/auto/DBI/DBI.so", "xs")
      .file("usr/bin/report", "#!/usr/bin/perl\nuse 5.010;\nuse DBI;\nrequire Missing::Mod;\n",
            0755);
  b.package("app", {"usr/bin/report"}, "Depends: perl, libdbi-perl\n");
  // As in Debian: the interpreter's package (kept as if named, being the interpreter of a
  // kept script) and its modules in a package of their own, reached through Depends.
  b.package("perl", {"usr/bin/perl"}, "Depends: perl-modules-5.36\n");
  b.package("perl-modules-5.36",
            {"usr/share/perl/5.36/Getopt/Long.pm", "usr/share/perl/5.36/Unused.pm"});
  b.package("libdbi-perl", {"usr/share/perl5/DBI.pm", "usr/share/perl5/DBI/Const.pm",
                            "usr/lib/x86_64-linux-gnu/perl5/5.36/auto/DBI/DBI.so"});
  FileTree tree = b.build();
  Resolution r = resolve(tree, config_json("{}"), packages({"app"}));
  const KeepSet& k = r.keep;
  CHECK(k.contains("usr/bin/perl"));  // the interpreter
  CHECK(k.contains("usr/share/perl5/DBI.pm"));
  CHECK(first_reason(r, "usr/share/perl5/DBI.pm") == "use DBI in /usr/bin/report:3");
  CHECK(k.contains("usr/share/perl5/DBI/Const.pm"));                         // DBI's own directory
  CHECK(k.contains("usr/lib/x86_64-linux-gnu/perl5/5.36/auto/DBI/DBI.so"));  // its XS part
  CHECK(k.contains("usr/share/perl/5.36/Getopt/Long.pm"));                   // loaded by DBI.pm
  CHECK_FALSE(k.contains("usr/share/perl/5.36/Unused.pm"));
  CHECK(noted(r, "perl module Missing::Mod"));
}

TEST_CASE("perl_uses: statements, lists, pragmas, POD and the end of the code") {
  auto uses = perl_uses(
      "use strict; use warnings;\nuse Foo::Bar qw(a b);\n# use Commented;\n"
      "my $x = 1; require Baz;\nuse parent -norequire, 'Qux';\nuse base qw(One Two::Three);\n"
      "=pod\nuse InPod;\n=cut\nuse 5.010;\n$obj->use(Foo);\n__END__\nuse AfterEnd;\n");
  std::vector<std::string> names;
  for (auto& u : uses)
    names.push_back(u.module);
  CHECK(names == std::vector<std::string>{"Foo::Bar", "Baz", "Qux", "One", "Two::Three"});
  CHECK(uses[0].line == 2);
  // Hostile text: never a crash.
  CHECK(perl_uses("use").empty());
  CHECK(perl_uses(std::string(100000, ':')).empty());
  CHECK(perl_uses("use ::::;\nrequire 'x';\nuse\n").empty());
}

TEST_CASE("rules: the application's own files") {
  TreeBuilder b;
  b.file("usr/bin/node", "node", 0755)
      .file("app/server.js", "require('./lib/x')")
      .file("app/lib/x.js", "1")
      .file("app/views/index.html", "<p/>")
      .file("app/__pycache__/m.cpython-311.pyc", "pyc")
      .file("app/tool.pyc", "pyc")
      .file("app/.npm/_cacache/index", "cache")
      .file("app/owned.txt", "from a package")
      .file("opt/notes/notes.jar", "PK")
      .file("opt/notes/lib/dep.jar", "PK")
      .file("opt/other/data.bin", "other")
      .file("srv/site/index.html", "<p/>")
      .file("usr/share/unrelated.txt", "u")
      .file("entry.sh", "#!/bin/sh\nexec java -jar \"$@\"\n", 0755);
  b.package("nodejs", {"usr/bin/node"});
  b.package("owner", {"app/owned.txt"});
  FileTree tree = b.build();
  auto config = config_json(
      R"({"WorkingDir":"/app","Entrypoint":["/entry.sh"],"Cmd":["/opt/notes/notes.jar"]})");
  Resolution r = resolve(tree, config, StripRequest{});
  const KeepSet& k = r.keep;
  for (const char* p :
       {"app/server.js", "app/lib/x.js", "app/views/index.html", "opt/notes/notes.jar",
        "opt/notes/lib/dep.jar", "opt/other/data.bin", "srv/site/index.html"}) {
    INFO(p);
    CHECK(k.contains(p));
  }
  CHECK(first_reason(r, "app/views/index.html") == "the application: /app (the working directory)");
  // Regenerated and cached files stay out; files a package owns follow package rules.
  CHECK_FALSE(k.contains("app/__pycache__/m.cpython-311.pyc"));
  CHECK_FALSE(k.contains("app/tool.pyc"));
  CHECK_FALSE(k.contains("app/.npm/_cacache/index"));
  CHECK_FALSE(k.contains("app/owned.txt"));
  CHECK_FALSE(k.contains("usr/share/unrelated.txt"));

  // A working directory that is a system directory is not the application.
  auto root_wd = config_json(R"({"WorkingDir":"/usr/share","Cmd":["/usr/bin/node"]})");
  Resolution r2 = resolve(tree, root_wd, StripRequest{});
  CHECK_FALSE(r2.keep.contains("usr/share/unrelated.txt"));
}

TEST_CASE("rules: Cmd arguments relative to the working directory") {
  TreeBuilder b;
  b.file("usr/bin/python3", "py", 0755)
      .file("srv/api/main.py", "print(1)")
      .file("srv/api/other.py", "print(2)");
  FileTree tree = b.build();
  auto config = config_json(R"({"WorkingDir":"/srv/api","Cmd":["python3","main.py","--x"]})");
  Resolution r = resolve(tree, config, StripRequest{});
  CHECK(r.keep.contains("srv/api/main.py"));
  bool by_entrypoint = false;
  for (auto& reason : r.keep.reasons("srv/api/main.py"))
    by_entrypoint = by_entrypoint || reason.kind == ReasonKind::Entrypoint;
  CHECK(by_entrypoint);
}

TEST_CASE("rules: commands a shell script runs through a variable directory") {
  TreeBuilder b;
  b.file("bin/sh", "sh", 0755)
      .file("usr/bin/resolveip", "r", 0755)
      .file("usr/sbin/mariadbd", "m", 0755)
      .file("usr/bin/unused", "u", 0755)
      .file("usr/bin/install-db",
            "#!/bin/sh\n# $x/unused in a comment\nresolveip=\"$bindir/resolveip\"\n"
            "\"${sbindir}/mariadbd\" --bootstrap\n",
            0755);
  FileTree tree = b.build();
  Resolution r = resolve(tree, config_json(R"({"Cmd":["/usr/bin/install-db"]})"), StripRequest{});
  CHECK(r.keep.contains("usr/bin/resolveip"));
  CHECK(r.keep.contains("usr/sbin/mariadbd"));
  CHECK_FALSE(r.keep.contains("usr/bin/unused"));
  CHECK(first_reason(r, "usr/bin/resolveip") ==
        "command in /usr/bin/install-db:3 (through a variable directory)");
}

TEST_CASE("rules: the C.UTF-8 locale stays; other compiled locales only for a language") {
  TreeBuilder b;
  b.file("usr/bin/app", "a", 0755)
      .file("usr/lib/locale/C.utf8/LC_CTYPE", "ctype")
      .file("usr/lib/locale/locale-archive", "all");
  FileTree tree = b.build();
  Resolution plain = resolve(tree, config_json(R"({"Cmd":["/usr/bin/app"]})"), StripRequest{});
  CHECK(plain.keep.contains("usr/lib/locale/C.utf8/LC_CTYPE"));
  CHECK_FALSE(plain.keep.contains("usr/lib/locale/locale-archive"));
  Resolution lang = resolve(
      tree, config_json(R"({"Env":["LANG=de_DE.UTF-8"],"Cmd":["/usr/bin/app"]})"), StripRequest{});
  CHECK(lang.keep.contains("usr/lib/locale/locale-archive"));
}

TEST_CASE("rules: a library package listing merged-/usr links is still a library") {
  TreeBuilder b;
  b.symlink("lib", "usr/lib")
      .file("usr/lib/x86_64-linux-gnu/libc.so.6", "libc")
      .file("usr/lib/x86_64-linux-gnu/gconv/gconv-modules", "modules")
      .file("usr/bin/app", "a", 0755);
  b.package("libc6", {"lib", "usr/lib/x86_64-linux-gnu/libc.so.6",
                      "usr/lib/x86_64-linux-gnu/gconv/gconv-modules"});
  b.package("app", {"usr/bin/app"}, "Depends: libc6\n");
  FileTree tree = b.build();
  Resolution r = resolve(tree, config_json("{}"), packages({"app"}));
  bool library = false;
  for (auto& s : r.not_followed)
    library = library || (s.dependency == "libc6" && s.why == "library (left to the ELF closure)");
  CHECK(library);
  CHECK_FALSE(r.keep.contains("usr/lib/x86_64-linux-gnu/gconv/gconv-modules"));
}

TEST_CASE("rules: a named package's commands when the image runs some, none, or names them") {
  auto tree_with = [](const std::string& entry) {
    TreeBuilder b;
    b.file("bin/sh", "sh", 0755)
        .file("usr/sbin/dbd",
              "\x7f"
              "ELF server\0db-upgrade\0Run db-check now\0db-compat\0"s,
              0755)
        .file("usr/bin/db-upgrade",
              "\x7f"
              "ELF upgrade\0/usr/bin/db-repair\0"s,
              0755)
        .file("usr/bin/db-repair", "repair", 0755)
        .file("usr/bin/db-check", "check", 0755)
        .symlink("usr/bin/db-compat", "db-check")
        .file("usr/share/db/errmsg.sys", "messages")
        .file("start.sh", entry, 0755);
    b.package("db-server",
              {"usr/sbin/dbd", "usr/bin/db-upgrade", "usr/bin/db-repair", "usr/bin/db-check",
               "usr/bin/db-compat", "usr/share/db/errmsg.sys"},
              "Source: db\n");
    return b.build();
  };
  auto config = config_json(R"({"Cmd":["/start.sh"]})");
  SECTION("the image runs the server: commands it names as strings stay, the others go") {
    FileTree tree = tree_with("#!/bin/sh\necho \"run db-check if it fails\" >&2\nexec dbd\n");
    Resolution r = resolve(tree, config, packages({"db-server"}));
    CHECK(r.keep.contains("usr/sbin/dbd"));
    CHECK(r.keep.contains("usr/share/db/errmsg.sys"));
    // dbd holds "db-upgrade" as a string of its own; db-upgrade holds db-repair's path.
    CHECK(r.keep.contains("usr/bin/db-upgrade"));
    CHECK(first_reason(r, "usr/bin/db-upgrade") ==
          "named as a command in /usr/sbin/dbd (same source db)");
    CHECK(r.keep.contains("usr/bin/db-repair"));
    // A name inside a message (the string in dbd, the echo line in the script) runs nothing;
    // a compatibility symlink's bare name (a credits line) neither.
    CHECK_FALSE(r.keep.contains("usr/bin/db-check"));
    CHECK_FALSE(r.keep.contains("usr/bin/db-compat"));
    CHECK(noted(r, "package db-server: 2 commands nothing in the image runs were left out"));
  }
  SECTION("nothing the image starts runs one: the user named it for its commands") {
    FileTree tree = tree_with("#!/bin/sh\nexec sleep infinity\n");
    Resolution r = resolve(tree, config, packages({"db-server"}));
    for (auto p : {"usr/sbin/dbd", "usr/bin/db-upgrade", "usr/bin/db-check", "usr/bin/db-compat"})
      CHECK(r.keep.contains(p));
    CHECK(first_reason(r, "usr/bin/db-check").ends_with("so all its commands stay"));
  }
  SECTION("--all-commands keeps them all") {
    FileTree tree = tree_with("#!/bin/sh\nexec dbd\n");
    StripRequest req = packages({"db-server"});
    req.all_commands = true;
    Resolution r = resolve(tree, config, req);
    CHECK(r.keep.contains("usr/bin/db-check"));
    CHECK(r.keep.contains("usr/bin/db-compat"));
  }
}

TEST_CASE("rules: Perl modules kept as data keep nothing while no perl can run them") {
  auto tree_with = [](bool perl) {
    TreeBuilder b;
    b.file("usr/share/perl/5.36/Test/More.pm", "package Test::More;\n1;\n")
        .file("usr/lib/pg/pgxs/test/Cluster.pm", "package Cluster;\nuse Test::More;\n1;\n")
        .file("usr/lib/pg/bin/postgres", "server", 0755);
    if (perl) b.file("usr/bin/perl", "perl", 0755).file("start.sh", "#!/usr/bin/perl\n", 0755);
    b.package("pg", {"usr/lib/pg/pgxs/test/Cluster.pm", "usr/lib/pg/bin/postgres"});
    b.package("perl-modules", {"usr/share/perl/5.36/Test/More.pm"});
    return b.build();
  };
  SECTION("no perl: the module is data") {
    FileTree tree = tree_with(false);
    Resolution r = resolve(tree, config_json("{}"), packages({"pg"}));
    CHECK(r.keep.contains("usr/lib/pg/pgxs/test/Cluster.pm"));
    CHECK_FALSE(r.keep.contains("usr/share/perl/5.36/Test/More.pm"));
    CHECK(noted(r, "1 Perl files kept as data"));
  }
  SECTION("perl kept (by a script the image starts): the module's uses are followed") {
    FileTree tree = tree_with(true);
    Resolution r = resolve(tree, config_json(R"({"Cmd":["/start.sh"]})"), packages({"pg"}));
    CHECK(r.keep.contains("usr/bin/perl"));
    CHECK(r.keep.contains("usr/share/perl/5.36/Test/More.pm"));
  }
}

TEST_CASE("rules: a package's script outside PATH runs its commands only once something names it") {
  auto tree_with = [](const std::string& install) {
    TreeBuilder b;
    b.file("bin/sh", "sh", 0755)
        .file("usr/bin/db-install", install, 0755)
        .file("usr/share/db/bench", "#!/bin/sh\nrenice -n 5 $$\ntaskset -c 0 true\n", 0755)
        .file("usr/share/db/start.inc.sh", "#!/bin/sh\nlogger started\n")
        .file("usr/share/db/errmsg.sys", "messages")
        .file("usr/bin/renice", "r", 0755)
        .file("usr/bin/taskset", "t", 0755)
        .file("usr/bin/logger", "l", 0755)
        .file("usr/bin/setsid", "s", 0755)
        .file("app/hooks/post.sh", "#!/bin/sh\nlogger hook\n", 0755)
        .file("initdb.d/10-users.sh", "#!/bin/sh\nsetsid true\n")
        .file("start.sh",
              "#!/bin/sh\ndb-install\nfor h in /app/hooks/*; do \"$h\"; done\n"
              "for f in /initdb.d/*.sh; do . \"$f\"; done\n",
              0755);
    b.package("db-server",
              {"usr/bin/db-install", "usr/share/db/bench", "usr/share/db/start.inc.sh",
               "usr/share/db/errmsg.sys"},
              "Source: db\n");
    b.package("util-linux",
              {"usr/bin/renice", "usr/bin/taskset", "usr/bin/logger", "usr/bin/setsid"});
    return b.build();
  };
  auto config = config_json(R"({"Cmd":["/start.sh"]})");
  SECTION("reached through its directory only: kept with its package, its commands not") {
    FileTree tree = tree_with("#!/bin/sh\ndatadir=/usr/share/db\ncat $datadir/errmsg.sys\n");
    Resolution r = resolve(tree, config, packages({"db-server"}));
    CHECK(r.keep.contains("usr/share/db/bench"));
    CHECK(r.keep.contains("usr/share/db/errmsg.sys"));
    CHECK_FALSE(r.keep.contains("usr/bin/renice"));
    CHECK_FALSE(r.keep.contains("usr/bin/taskset"));
    // The application's own scripts run from a directory walk: their commands stay.
    CHECK(r.keep.contains("usr/bin/logger"));
    CHECK(first_reason(r, "usr/bin/logger") == "command in /app/hooks/post.sh:2");
    CHECK(r.keep.reasons("usr/bin/logger").size() == 1);  // not from start.inc.sh
    // ... and sourced ones, without the execute bit, from a directory the entrypoint names.
    CHECK(first_reason(r, "usr/bin/setsid") == "command in /initdb.d/10-users.sh:2");
  }
  SECTION("named by its path, or as $dir/NAME: scanned") {
    for (std::string install :
         {"#!/bin/sh\n/usr/share/db/bench\n", "#!/bin/sh\n\"$datadir/bench\" --quick\n"}) {
      FileTree tree = tree_with(install);
      Resolution r = resolve(tree, config, packages({"db-server"}));
      CHECK(r.keep.contains("usr/bin/renice"));
      CHECK(r.keep.contains("usr/bin/taskset"));
    }
  }
  SECTION("a shell library without the execute bit: only when named") {
    FileTree tree = tree_with("#!/bin/sh\n. /usr/share/db/start.inc.sh\n");
    Resolution r = resolve(tree, config, packages({"db-server"}));
    auto& reasons = r.keep.reasons("usr/bin/logger");
    CHECK(std::any_of(reasons.begin(), reasons.end(), [](const Reason& why) {
      return why.detail == "command in /usr/share/db/start.inc.sh:2";
    }));
  }
}

TEST_CASE("rules: gconv modules for iconv_open; for the locale's charset only when it needs one") {
  TempDir tmp;
  auto conv =
      elf_test::compile(tmp.path(), "conv",
                        "#include <iconv.h>\nint main(int c, char** v) {\n"
                        "  (void)c; return iconv_open(v[1], \"UTF-8\") == (iconv_t)-1;\n}\n",
                        "");
  const std::string module = "usr/lib/x86_64-linux-gnu/gconv/ISO8859-1.so";
  auto tree_with = [&](const std::string& script, bool any, bool latin_locale = false) {
    TreeBuilder b;
    b.host_file("usr/bin/bash", "/usr/bin/bash")
        .file("usr/lib/x86_64-linux-gnu/gconv/gconv-modules", "alias LATIN1// ISO-8859-1//\n")
        .file(module, "module")
        .file("usr/lib/locale/C.utf8/LC_CTYPE", "ctype")
        .file("start.sh", "#!/usr/bin/bash\n" + script, 0755);
    if (latin_locale) b.file("usr/lib/locale/de_DE/LC_CTYPE", "ctype");
    if (any) b.host_file("usr/bin/conv", conv);
    return b.build();
  };
  auto config = [](const std::string& env) {
    return config_json(R"({"Cmd":["/start.sh"],"Env":[)" + env + "]}");
  };
  auto reason = [&](const Resolution& r) { return first_reason(r, module); };

  SECTION("bash, UTF-8 and C locales only: no module, and a note") {
    Resolution r = resolve(tree_with("printf '\\u00e9'\n", false), config(""), StripRequest{});
    CHECK(r.keep.contains("usr/bin/bash"));
    CHECK_FALSE(r.keep.contains(module));
    CHECK(noted(r, "gconv modules left out: /usr/bin/bash import iconv_open for the locale's"));
  }
  SECTION("bash, and the image's Env names a charset that needs a module") {
    Resolution r =
        resolve(tree_with("true\n", false), config(R"("LC_ALL=de_DE.ISO-8859-1")"), StripRequest{});
    CHECK(reason(r).find("LC_ALL=de_DE.ISO-8859-1 in the image's Env") != std::string::npos);
  }
  SECTION("bash, and a kept script sets one") {
    Resolution r =
        resolve(tree_with("export LANG=en_GB.ISO-8859-15\n", false), config(""), StripRequest{});
    CHECK(reason(r).find("LANG=en_GB.ISO-8859-15 in /start.sh:2") != std::string::npos);
  }
  SECTION("a kept locale whose charset needs a module") {
    StripRequest req;
    req.keep_locales = true;
    Resolution r = resolve(tree_with("true\n", false, true), config(""), req);
    CHECK(reason(r).find("/usr/lib/locale/de_DE is kept") != std::string::npos);
  }
  SECTION("an importer taking charsets from its input: every module") {
    Resolution r = resolve(tree_with("conv latin1\n", true), config(""), StripRequest{});
    CHECK(r.keep.contains("usr/bin/conv"));
    CHECK(reason(r) == "essential: gconv modules (iconv_open is used)");
  }
}

TEST_CASE("rules: OpenSSL's module directories, read from libcrypto's strings") {
  std::string data =
      "\x7f"
      "ELF\0/usr/lib/x86_64-linux-gnu/engines-3\0ENGINESDIR: "
      "\"/usr/lib/x86_64-linux-gnu/engines-3\"\0/usr/lib/x86_64-linux-gnu/"
      "ossl-modules\0/usr/lib/engines-1.1\0/etc/engines-x\0/a/../engines-3\0"
      "engines-3\0/usr/lib/ossl-modules/legacy.so\0/truncated/engines-3"s;
  CHECK(openssl_module_dirs(data) ==
        std::vector<std::string>{"/usr/lib/engines-1.1", "/usr/lib/x86_64-linux-gnu/engines-3",
                                 "/usr/lib/x86_64-linux-gnu/ossl-modules"});
  CHECK(openssl_module_dirs("").empty());
  CHECK(openssl_module_dirs("/engines-3").empty());  // no terminating NUL
}

TEST_CASE("rules: OpenSSL's providers stay with a kept libcrypto, its engines where named") {
  TempDir tmp;
  std::filesystem::path lib =
      elf_test::compile(tmp.path(), "libcrypto.so.3", R"C(
const char* engines = "/usr/lib/x86_64-linux-gnu/engines-3";
const char* modules = "/usr/lib/x86_64-linux-gnu/ossl-modules";
const char* dir(int i) { return i ? engines : modules; }
)C",
                        "-shared -fPIC -nostdlib -Wl,-soname,libcrypto.so.3");
  const std::string crypto = "usr/lib/x86_64-linux-gnu/libcrypto.so.3";
  const std::string afalg = "usr/lib/x86_64-linux-gnu/engines-3/afalg.so";
  const std::string padlock = "usr/lib/x86_64-linux-gnu/engines-3/padlock.so";
  const std::string legacy = "usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so";
  TreeBuilder b;
  b.file(crypto, elf_test::slurp(lib), 0644)
      .file("usr/lib/x86_64-linux-gnu/libssl.so.3", elf_test::slurp(lib), 0644)
      .file(afalg, "engine")
      .file(padlock, "engine")
      .file(legacy, "provider")
      .file("usr/lib/fips/fips.so", "provider")
      .file("usr/lib/ssl/openssl.cnf", "[openssl_init]\n")
      .file("etc/nginx/nginx.conf", "ssl_engine padlock;\n")
      .file("usr/bin/openssl", "cli", 0755)
      .file("usr/share/ca-certificates/a.crt", "cert");
  b.package("ca-certificates", {"usr/share/ca-certificates/a.crt"}, "Depends: openssl\n");
  b.package("openssl", {"usr/bin/openssl", "usr/lib/ssl/openssl.cnf"},
            "Source: openssl\nDepends: libssl3\n");
  b.package("libssl3", {crypto, "usr/lib/x86_64-linux-gnu/libssl.so.3", afalg, padlock, legacy},
            "Source: openssl\n");
  FileTree tree = b.build();
  auto config = config_json(R"({"Env":["OPENSSL_MODULES=/usr/lib/fips"]})");

  // ca-certificates' Depends reach openssl (its data) and, through openssl's source, a
  // library package no one named: left to the ELF closure, which keeps nothing of it.
  Resolution r = resolve(tree, config, packages({"ca-certificates"}));
  CHECK(r.keep.contains("usr/lib/ssl/openssl.cnf"));
  CHECK_FALSE(r.keep.contains(crypto));
  CHECK_FALSE(r.keep.contains(legacy));
  CHECK_FALSE(r.keep.contains(afalg));
  CHECK(std::any_of(r.not_followed.begin(), r.not_followed.end(), [](const SkippedDependency& s) {
    return s.package == "openssl" && s.dependency == "libssl3" &&
           s.why.find("library") != std::string::npos;
  }));

  // Named, openssl's own library is one of its parts.
  r = resolve(tree, config, packages({"openssl"}));
  CHECK(r.keep.contains(crypto));
  CHECK(r.keep.contains("usr/lib/x86_64-linux-gnu/libssl.so.3"));

  // A kept libcrypto (whatever keeps it) keeps the provider directories, its own and the
  // one the image's Env names; of its engines, none while nothing kept names one...
  StripRequest request = packages({"ca-certificates"});
  request.files = {"/" + crypto};
  r = resolve(tree, config, request);
  CHECK_FALSE(r.keep.contains("usr/lib/x86_64-linux-gnu/libssl.so.3"));
  CHECK(r.keep.contains(legacy));
  CHECK(first_reason(r, legacy) ==
        "providers /" + crypto + " loads by name (its compiled-in directory)");
  CHECK(first_reason(r, "usr/lib/fips/fips.so") ==
        "providers /" + crypto +
            " loads by name (from the image's Env (OPENSSL_MODULES=/usr/lib/fips))");
  CHECK_FALSE(r.keep.contains(afalg));
  CHECK_FALSE(r.keep.contains(padlock));
  CHECK(noted(r, "OpenSSL engines nothing kept names"));
  CHECK(noted(r, "/" + afalg));

  // ...and the one a kept configuration names (nginx's ssl_engine).
  request.files.push_back("/etc/nginx/nginx.conf");
  r = resolve(tree, config, request);
  CHECK(r.keep.contains(padlock));
  CHECK(first_reason(r, padlock) == "engine padlock /" + crypto +
                                        " loads by name (its compiled-in directory), named in "
                                        "/etc/nginx/nginx.conf");
  CHECK_FALSE(r.keep.contains(afalg));
  // Or the image's command line.
  r = resolve(tree, config_json(R"({"Cmd":["app","--engine","afalg"]})"), request);
  CHECK(r.keep.contains(afalg));
}

TEST_CASE("rules: the Healthcheck's command is kept like Cmd") {
  TreeBuilder b;
  b.file("bin/sh", "sh", 0755)
      .file("bin/bash", "bash", 0755)
      .file("usr/bin/curl", "curl", 0755)
      .file("usr/bin/cat", "cat", 0755)
      .file("usr/bin/ls", "ls", 0755)
      .file("usr/bin/unused", "u", 0755)
      .file("srv/health.sh", "#!/bin/sh\nexit 0\n", 0755);
  FileTree tree = b.build();
  auto kept = [&](const char* config) {
    return resolve(tree, config_json(config), StripRequest{});
  };

  // CMD-SHELL runs with /bin/sh -c: the shell and the commands of its text.
  Resolution shell = kept(
      R"({"Cmd":["/srv/health.sh"],"Healthcheck":{"Test":["CMD-SHELL",
         "curl -f http://localhost/ && cat /srv/health.sh >/dev/null || exit 1"],"Interval":30000000000}})");
  CHECK(shell.keep.contains("bin/sh"));
  CHECK(first_reason(shell, "bin/sh") == "healthcheck /bin/sh");
  CHECK(shell.keep.contains("usr/bin/curl"));
  CHECK(shell.keep.contains("usr/bin/cat"));
  CHECK_FALSE(shell.keep.contains("usr/bin/ls"));
  CHECK_FALSE(shell.keep.contains("usr/bin/unused"));
  CHECK(first_reason(shell, "usr/bin/curl").find("/bin/sh -c") != std::string::npos);

  // CMD: argv[0] through PATH and its absolute arguments.
  Resolution exec =
      kept(R"({"Cmd":["/srv/health.sh"],"Healthcheck":{"Test":["CMD","ls","/srv/health.sh"]}})");
  CHECK(exec.keep.contains("usr/bin/ls"));
  CHECK(first_reason(exec, "usr/bin/ls") == "healthcheck ls");
  CHECK_FALSE(exec.keep.contains("usr/bin/curl"));

  // The config's Shell (Docker's SHELL instruction) runs CMD-SHELL.
  Resolution bash = kept(
      R"({"Shell":["/bin/bash","-o","pipefail","-c"],"Healthcheck":{"Test":["CMD-SHELL","cat /srv/health.sh"]}})");
  CHECK(bash.keep.contains("bin/bash"));
  CHECK(bash.keep.contains("usr/bin/cat"));

  // NONE (a base image's check turned off), none at all, or a malformed one: nothing kept.
  for (const char* config : {R"({"Healthcheck":{"Test":["NONE"]}})", R"({"Healthcheck":{}})",
                             R"({"Healthcheck":{"Test":"CMD ls"}})", R"({"Healthcheck":null})"}) {
    INFO(config);
    Resolution r = kept(config);
    CHECK_FALSE(r.keep.contains("usr/bin/ls"));
    CHECK_FALSE(r.keep.contains("usr/bin/cat"));
  }
  // An unknown test type is said, not guessed.
  Resolution odd = kept(R"({"Healthcheck":{"Test":["CMD-EXEC","ls"]}})");
  CHECK_FALSE(odd.keep.contains("usr/bin/ls"));
  CHECK(std::any_of(odd.missing.begin(), odd.missing.end(),
                    [](const std::string& m) { return m.find("CMD-EXEC") != std::string::npos; }));
  // A command the image does not have is missing, as for Cmd.
  Resolution gone = kept(R"({"Healthcheck":{"Test":["CMD","wget","-q","localhost"]}})");
  CHECK(std::any_of(gone.missing.begin(), gone.missing.end(), [](const std::string& m) {
    return m.find("healthcheck wget") != std::string::npos;
  }));
  // --no-entrypoint leaves the check alone too.
  StripRequest no;
  no.entrypoint = false;
  Resolution off = resolve(tree, config_json(R"({"Healthcheck":{"Test":["CMD","ls"]}})"), no);
  CHECK_FALSE(off.keep.contains("usr/bin/ls"));
}

TEST_CASE("rules: --command lines are kept like Cmd, also with --no-entrypoint") {
  TreeBuilder b;
  b.file("bin/sh", "sh", 0755)
      .file("usr/bin/worker", "w", 0755)
      .file("usr/bin/cat", "cat", 0755)
      .file("usr/bin/unused", "u", 0755)
      .file("app/jobs.py", "print(1)");
  FileTree tree = b.build();
  StripRequest request;
  request.entrypoint = false;
  request.commands = {{"worker", "--queue", "jobs.py"}, {"/bin/sh", "-c", "cat /app/jobs.py"}};
  Resolution r =
      resolve(tree, config_json(R"({"WorkingDir":"/app","Cmd":["/usr/bin/unused"]})"), request);
  CHECK(r.keep.contains("usr/bin/worker"));
  CHECK(first_reason(r, "usr/bin/worker") == "--command worker");
  CHECK(r.keep.contains("app/jobs.py"));
  CHECK(r.keep.contains("usr/bin/cat"));
  CHECK_FALSE(r.keep.contains("usr/bin/unused"));  // --no-entrypoint: Cmd is not followed
  request.commands = {{"nowhere"}};
  Resolution gone = resolve(tree, config_json("{}"), request);
  CHECK(std::any_of(gone.missing.begin(), gone.missing.end(), [](const std::string& m) {
    return m == "--command nowhere: not found in the image's PATH";
  }));
}
