// How the image runs mkdir and sed: the options a script, a program's source or string, or
// the command line may pass (command_options.h), and the gates they decide.
#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <algorithm>

#include "seccomp/command_options.h"
#include "seccomp/config_gate.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;
using namespace std::string_literals;

namespace {

bool mode(std::string_view text) {
  return mkdir_mode_on(text).has_value();
}
bool context(std::string_view text) {
  return mkdir_context_on(text).has_value();
}
bool in_place(std::string_view text) {
  return sed_in_place_on(text).has_value();
}

// A zip holding `files` (stored, no compression needed for the test's sizes).
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& files) {
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  std::string out(1 << 20, '\0');
  size_t used = 0;
  archive_write_open_memory(a, out.data(), out.size(), &used);
  for (const auto& [name, data] : files) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

const ConfigGate* gate(const std::vector<ConfigGate>& gates, std::string_view program,
                       std::string_view import) {
  auto it = std::find_if(gates.begin(), gates.end(), [&](const ConfigGate& g) {
    return g.program == program && g.import == import;
  });
  return it == gates.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("mkdir's options in shell lines", "[seccomp][config][command]") {
  CHECK_FALSE(mode(""));
  CHECK_FALSE(mode("mkdir -p /run/php /var/lib/guestbook\n"));
  CHECK_FALSE(mode("mkdir -pv \"$PGDATA\" && chmod 700 \"$PGDATA\"\n"));
  CHECK(mode("mkdir -m 700 /data\n"));
  CHECK(mode("  /bin/mkdir -pm755 /data\n"));
  CHECK(mode("mkdir --mode=0755 x"));
  CHECK(mode("mkdir --mo=0755 x"));               // getopt_long's abbreviation
  CHECK(mode("mkdir -p x '-m' 700"));             // quoted words are arguments
  CHECK(mode("mkdir -p \\\n   -m 700 /data\n"));  // a continued line
  CHECK_FALSE(mode("mkdir -p -- -m\n"));          // an operand after --
  CHECK_FALSE(mode("# mkdir -m 700 /data\n"));
  CHECK_FALSE(mode("mkdirhier -m 1\nos.mkdir(p, -m)\nfs.mkdirSync(d)\n$mkdir -m\n"));
  CHECK_FALSE(mode("mkdir($dir, 0700); // PHP\n"));
  CHECK(context("mkdir -Z /srv/x"));
  CHECK(context("mkdir --context=system_u:object_r:x /srv"));
  CHECK_FALSE(context("mkdir -m 700 /srv"));

  // Expansions: quoted ones are one word, unquoted ones may be several.
  CHECK_FALSE(mode("mkdir -p \"$dir\" \"${base}/x\" \"$(dirname \"$f\")\"\n"));
  CHECK(mode("mkdir -p $DIRS\n"));
  CHECK(mode("mkdir \"$@\"\n"));
  CHECK(mode("mkdir -p \"${dirs[@]}\"\n"));
  CHECK(mode("mkdir $(cat /etc/dirs)\n"));
  CHECK(mode("mkdir -p $1\n"));
  // A variable whose every assignment in the file is a plain operand stays one.
  CHECK_FALSE(mode("DIR=/var/lib/app\nmkdir -p $DIR\n"));
  CHECK(mode("DIR='-m 700 /x'\nmkdir -p $DIR\n"));
  CHECK(mode("DIR=/x\nDIR=$OTHER\nmkdir -p $DIR\n"));
  // Inside backquotes, the closing one ends the command.
  CHECK_FALSE(mode("if ! `mkdir -p \"$dir\"`; then exit 1; fi\n"));
  CHECK(mode("mkdir -p `cat list`\n"));
  // Stored for later: what is added where it runs is not seen.
  CHECK(mode("MKDIR=mkdir\n$MKDIR -m 700 x\n"));
  CHECK(mode("MKDIR_P=\"/bin/mkdir -p\"\n"));

  // Other languages: an argument list, a string run by a shell.
  CHECK(mode("subprocess.run([\"mkdir\", \"-m\", \"700\", d])\n"));
  CHECK_FALSE(mode("subprocess.run([\"mkdir\", \"-p\", d])\n"));
  CHECK(mode("exec('mkdir -m 700 ' . $d);\n"));

  auto line = mkdir_mode_on("#!/bin/sh\nset -e\n  mkdir -m 0700 /data  \n");
  REQUIRE(line);
  CHECK(line->line == 3);
  CHECK(line->text == "mkdir -m 0700 /data");
}

TEST_CASE("sed's in-place edit in shell lines and programs", "[seccomp][config][command]") {
  CHECK_FALSE(in_place("sed \"s/@PORT@/$PORT/\" /etc/nginx/site.template > /etc/nginx/x\n"));
  CHECK_FALSE(
      in_place("CONFFILE=/etc/php/8.2/fpm/php-fpm.conf\n"
               "PID=$(sed -n 's/^pid[ =]*//p' $CONFFILE)\n"));
  CHECK(in_place("sed -i 's/a/b/' /etc/x.conf"));
  CHECK(in_place("sed -Ei.bak -e 's/a/b/' f"));
  CHECK(in_place("sed --in-place=.orig 's/a/b/' f"));
  CHECK(in_place("sed --in 's/a/b/' f"));
  CHECK(in_place("sed 's/a/b/' f -i"));         // GNU getopt permutes
  CHECK(in_place("#!/bin/sed -if\ns/a/b/\n"));  // a script's #! line runs sed
  CHECK(in_place("filter=\"sed -e '/x/d'\"\n$filter f\n"));
  CHECK_FALSE(in_place("it was used, then based on -i\n"));  // "used", "based": not sed
  CHECK_FALSE(in_place("sed -e '/^-i/d' f\n"));
  // A line with more uses than can be read in bounded time: one of them may pass it.
  std::string many;
  for (int i = 0; i < 20000; ++i)
    many += "sed x ";
  CHECK(in_place(many));
  CHECK_FALSE(in_place(std::string(200000, 'x') + " sed -n p f\n"));
  // '$' and '\\' inside single quotes are characters of the word (this hung once).
  CHECK(in_place("sed 's/$/x\\\\y/' -i f\n"));
  CHECK_FALSE(in_place("sed 's/$/x\\\\y/' f\n"));
}

TEST_CASE("commands in ELF strings and bytecode", "[seccomp][config][command]") {
  // An ELF object: each C string is one line.
  std::string elf =
      "\x7f"
      "ELF\0mkdir\0-m\0mkdir -p %s\0"s;
  CHECK_FALSE(mkdir_mode_in_object(elf, false));
  CHECK(mkdir_mode_in_object(elf + "mkdir -m 700 %s\0"s, false));
  CHECK_FALSE(mkdir_mode_in_object(elf + "mkdir -m 700 %s\0"s, true));  // mkdir's own help
  // Bytecode (a .pyc): the strings of an argument list sit between control bytes.
  CHECK(
      mode("\xe3\x00\xda\x05mkdir\xda\x02-m\xda\x03"
           "700\x00"s));
  CHECK_FALSE(mode("\xe3\x00\xda\x05mkdir\xda\x02-p\x00"s));
}

TEST_CASE("the mkdir and sed gates, decided from kept files", "[seccomp][config][command]") {
  const std::string mkdir = "usr/bin/mkdir", sed = "usr/bin/sed";
  FileTree tree =
      tree_with({{mkdir,
                  "\x7f"
                  "ELF\0Usage: mkdir -m MODE -Z\0"s},
                 {sed,
                  "\x7f"
                  "ELF\0sed -i[SUFFIX]\0"s},
                 {"docker-entrypoint.sh", "#!/bin/sh\nmkdir -p /run/app\nsed 's/a/b/' /t > /c\n"},
                 {"usr/share/doc/x/README", "mkdir -m 700 x; sed -i s/a/b/ y\n"},
                 {"usr/share/bash-completion/completions/sed", "sed -i\n"},
                 {"opt/tool.sh", "sed -i s/a/b/ /etc/x\n"},
                 {"app/app.jar", zip_of({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                                         {"run.sh", "mkdir -m 0700 /data\n"}})},
                 {"app/broken.jar", "PK\x03\x04 not a zip"}});
  std::set<std::string> kept = {mkdir, sed, "docker-entrypoint.sh", "usr/share/doc/x/README",
                                "usr/share/bash-completion/completions/sed"};
  auto gates = config_gates(tree, kept, {mkdir, sed}, {"/docker-entrypoint.sh"});
  for (auto [program, import] : {std::pair{mkdir, "lchown"},
                                 {mkdir, "lchmod"},
                                 {mkdir, "selabel_open"},
                                 {mkdir, "lsetfilecon"},
                                 {sed, "acl_get_fd"},
                                 {sed, "fgetfilecon"}}) {
    INFO(program << " " << import);
    const ConfigGate* g = gate(gates, program, import);
    REQUIRE(g);
    CHECK_FALSE(g->enabled);  // documentation, completions and the programs' help say nothing
  }
  CHECK_THAT(gate(gates, sed, "acl_get_fd")->decided_by,
             Catch::Contains("runs sed with -i or --in-place"));

  auto with = [&](const std::string& path, std::vector<std::string> command_line = {}) {
    auto k = kept;
    if (!path.empty()) k.insert(path);
    return config_gates(tree, k, {mkdir, sed}, command_line);
  };
  auto on = with("opt/tool.sh");
  CHECK(gate(on, sed, "acl_get_fd")->enabled);
  CHECK(gate(on, sed, "acl_get_fd")->decided_by == "opt/tool.sh:1: sed -i s/a/b/ /etc/x");
  CHECK_FALSE(gate(on, mkdir, "lchown")->enabled);
  // A jar's entries are read; one that cannot be read could say anything.
  on = with("app/app.jar");
  CHECK(gate(on, mkdir, "lchown")->enabled);
  CHECK(gate(on, mkdir, "lchown")->decided_by == "app/app.jar!/run.sh:1: mkdir -m 0700 /data");
  CHECK_FALSE(gate(on, mkdir, "selabel_open")->enabled);
  on = with("app/broken.jar");
  CHECK(gate(on, mkdir, "lchown")->enabled);
  CHECK_THAT(gate(on, mkdir, "lchown")->decided_by, Catch::Contains("cannot be read whole"));
  // The image's command line.
  on = with("", {"sh", "-c", "mkdir -Z /srv && exec app"});
  CHECK(gate(on, mkdir, "selabel_open")->enabled);
  CHECK_FALSE(gate(on, mkdir, "lchmod")->enabled);
}

TEST_CASE("nginx's read_ahead and php-fpm's socket ACLs", "[seccomp][config]") {
  CHECK_FALSE(nginx_read_ahead_on("sendfile on;\n# read_ahead 512k;\n"));
  auto on = nginx_read_ahead_on("http {\n  read_ahead 512k;\n}\n");
  REQUIRE(on);
  CHECK(on->line == 2);
  CHECK_FALSE(fpm_listen_acl_on("[www]\nlisten.owner = www-data\n;listen.acl_users = a\n"));
  CHECK_FALSE(fpm_listen_acl_on("[www]\nlisten.acl_users =\n"));
  CHECK(fpm_listen_acl_on("[www]\nlisten.acl_users = apache,nginx\n"));
  CHECK(fpm_listen_acl_on("[www]\nlisten.acl_groups = ${ACL_GROUPS}\n"));

  const std::string fpm = "usr/sbin/php-fpm8.2", nginx = "usr/sbin/nginx";
  FileTree tree = tree_with({{"etc/php/8.2/fpm/pool.d/www.conf", "[www]\nlisten = 9000\n"},
                             {"etc/php/8.2/fpm/pool.d/acl.conf", "listen.acl_groups = web\n"},
                             {"etc/nginx/nginx.conf", "read_ahead 1m;\n"}});
  auto gates = config_gates(tree, {"etc/php/8.2/fpm/pool.d/www.conf"}, {fpm, nginx});
  REQUIRE(gate(gates, fpm, "acl_set_file"));
  CHECK_FALSE(gate(gates, fpm, "acl_set_file")->enabled);
  REQUIRE(gate(gates, nginx, "posix_fadvise64"));
  CHECK_FALSE(gate(gates, nginx, "posix_fadvise64")->enabled);
  gates = config_gates(tree,
                       {"etc/php/8.2/fpm/pool.d/www.conf", "etc/php/8.2/fpm/pool.d/acl.conf",
                        "etc/nginx/nginx.conf"},
                       {fpm, nginx});
  CHECK(gate(gates, fpm, "acl_set_file")->enabled);
  CHECK(gate(gates, nginx, "posix_fadvise64")->enabled);
  CHECK(gate(gates, nginx, "posix_fadvise64")->decided_by ==
        "etc/nginx/nginx.conf:1: read_ahead 1m;");
}
