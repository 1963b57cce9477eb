// Configuration gates: php-fpm's request_slowlog_timeout read from pool files, nginx's
// worker_priority from any kept text or the image's command line, the gates decided from
// the kept files of a tree, and a cut import leaving its syscall out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include "core/tempdir.h"
#include "seccomp/config_gate.h"
#include "seccomp/krb5_ccache.h"
#include "seccomp/mysql_options.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

TEST_CASE("request_slowlog_timeout in php-fpm pool files", "[seccomp][config]") {
  CHECK_FALSE(fpm_slowlog_on(""));
  CHECK_FALSE(
      fpm_slowlog_on("[www]\n;request_slowlog_timeout = 5s\n# request_slowlog_timeout = 1\n"));
  CHECK_FALSE(fpm_slowlog_on("request_slowlog_timeout = 0\nrequest_slowlog_timeout=0s\r\n"));
  CHECK_FALSE(fpm_slowlog_on("request_slowlog_timeout = '000m' ; off\n"));
  CHECK_FALSE(fpm_slowlog_on("request_slowlog_timeout_x = 5s\nslowlog = /var/log/slow\n"));
  CHECK_FALSE(fpm_slowlog_on("request_slowlog_timeout\n"));  // no value: not a setting

  auto on = fpm_slowlog_on("[www]\nuser = www-data\n  request_slowlog_timeout = 5s ; slow\n");
  REQUIRE(on);
  CHECK(on->line == 3);
  CHECK(on->text == "request_slowlog_timeout = 5s ; slow");
  // A value from the environment may be anything: on.
  CHECK(fpm_slowlog_on("request_slowlog_timeout = ${SLOWLOG}"));
  CHECK(fpm_slowlog_on("request_slowlog_timeout="));  // php-fpm refuses it; not read as off
}

TEST_CASE("process.priority in php-fpm configuration", "[seccomp][config]") {
  CHECK_FALSE(fpm_process_priority_on(""));
  CHECK_FALSE(fpm_process_priority_on(
      "[global]\n;process.priority = -19\n# process.priority = 5\nprocess.max = 4\n"));
  CHECK_FALSE(fpm_process_priority_on("process.priority_x = 1\npriority = 3\n"));
  auto on = fpm_process_priority_on("[www]\n  process.priority = -5 ; nicer\n");
  REQUIRE(on);
  CHECK(on->line == 2);
  CHECK(on->text == "process.priority = -5 ; nicer");
  CHECK(fpm_process_priority_on("process.priority = ${PRIO}"));
  CHECK(fpm_process_priority_on("process.priority="));
}

TEST_CASE("chroot in php-fpm configuration", "[seccomp][config]") {
  CHECK_FALSE(fpm_chroot_on(""));
  // Debian's www.conf: commented out, and the comments that name it.
  CHECK_FALSE(
      fpm_chroot_on("; - 'chroot'\n; When this value is not set, chroot is not used.\n"
                    ";chroot =\nchdir = /\n"));
  CHECK_FALSE(fpm_chroot_on("chroot =\n"));  // empty: php-fpm does not chroot
  auto on = fpm_chroot_on("[www]\nchroot = $prefix/jail ; pool jail\n");
  REQUIRE(on);
  CHECK(on->line == 2);
  CHECK(on->text == "chroot = $prefix/jail ; pool jail");
  CHECK(fpm_chroot_on("chroot=${JAIL}"));

  const std::string fpm = "usr/sbin/php-fpm8.2";
  FileTree tree = tree_with({{"etc/php/8.2/fpm/pool.d/www.conf", "[www]\n;chroot =\n"},
                             {"srv/pool.cfg", "[jail]\nchroot = /srv/jail\n"}});
  auto gates = config_gates(tree, {"etc/php/8.2/fpm/pool.d/www.conf"}, {fpm});
  REQUIRE(gates.size() > 3);
  CHECK(gates[2].import == "chroot");
  CHECK_FALSE(gates[2].enabled);
  gates = config_gates(tree, {"etc/php/8.2/fpm/pool.d/www.conf", "srv/pool.cfg"}, {fpm});
  CHECK(gates[2].enabled);
  CHECK(gates[2].decided_by == "srv/pool.cfg:2: chroot = /srv/jail");
}

TEST_CASE("the slow-log gate is decided from kept files only", "[seccomp][config]") {
  const std::string pool = "etc/php/8.2/fpm/pool.d/www.conf";
  const std::string fpm = "usr/sbin/php-fpm8.2";
  FileTree off = tree_with({{pool, "[www]\n;request_slowlog_timeout = 0\n"},
                            {"opt/extra.conf", "request_slowlog_timeout = 5s\n"}});
  auto gates = config_gates(off, {pool}, {fpm, "usr/sbin/cron"});
  REQUIRE(gates.size() > 3);  // php-fpm's (the socket's ACLs: one per libacl function); not cron's
  CHECK(std::all_of(gates.begin(), gates.end(), [&](const auto& g) { return g.program == fpm; }));
  CHECK(gates[0].program == fpm);
  CHECK(gates[0].import == "ptrace");
  CHECK_FALSE(gates[0].enabled);  // opt/extra.conf says 5s, but it is not kept
  CHECK(gates[0].decided_by.find("1 read") != std::string::npos);
  CHECK(gates[1].import == "setpriority");
  CHECK_FALSE(gates[1].enabled);

  gates = config_gates(off, {pool, "opt/extra.conf"}, {fpm});
  REQUIRE(gates.size() > 3);
  CHECK(gates[0].enabled);
  CHECK(gates[0].decided_by == "opt/extra.conf:1: request_slowlog_timeout = 5s");

  CHECK(config_gates(off, {pool}, {"usr/sbin/cron"}).empty());
}

TEST_CASE("php-fpm's process.priority gate reads any kept text", "[seccomp][config]") {
  const std::string fpm = "usr/sbin/php-fpm8.2";
  FileTree tree =
      tree_with({{"etc/php/8.2/fpm/php-fpm.conf", "[global]\n;process.priority = -19\n"},
                 {"srv/fpm/site.cfg", "[www]\nprocess.priority = 5\n"}});
  auto gates = config_gates(tree, {"etc/php/8.2/fpm/php-fpm.conf"}, {fpm});
  REQUIRE(gates.size() > 3);  // the slow log, process.priority, chroot, the socket's ACLs
  CHECK(gates[1].import == "setpriority");
  CHECK_FALSE(gates[1].enabled);
  // php-fpm -y takes its configuration from any path.
  gates = config_gates(tree, {"etc/php/8.2/fpm/php-fpm.conf", "srv/fpm/site.cfg"}, {fpm});
  REQUIRE(gates.size() > 3);
  CHECK(gates[1].enabled);
  CHECK(gates[1].decided_by == "srv/fpm/site.cfg:2: process.priority = 5");
}

TEST_CASE("worker_priority in nginx configuration, scripts and command lines",
          "[seccomp][config]") {
  CHECK_FALSE(nginx_worker_priority_on(""));
  CHECK_FALSE(nginx_worker_priority_on("worker_processes auto;\n# worker_priority -5;\n"));
  CHECK_FALSE(nginx_worker_priority_on("  #worker_priority 10;\nmy_worker_priority_x 1;\n"));
  auto on = nginx_worker_priority_on("user www-data;\n\n  worker_priority -5;  # nicer\n");
  REQUIRE(on);
  CHECK(on->line == 3);
  CHECK(on->text == "worker_priority -5;  # nicer");
  // On one line with other directives, or as -g on a command line.
  CHECK(nginx_worker_priority_on("events {} worker_priority 1;"));
  CHECK(nginx_worker_priority_on("exec nginx -g 'daemon off; worker_priority -2;'"));
}

TEST_CASE("nginx's worker_priority gate reads any kept text and the command line",
          "[seccomp][config]") {
  const std::string nginx = "usr/sbin/nginx";
  FileTree tree =
      tree_with({{"etc/nginx/nginx.conf", "worker_processes 1;\n"},
                 {"srv/site/nginx.cfg", "worker_priority 5;\n"},
                 {"usr/share/vim/addons/syntax/nginx.vim", "syn keyword worker_priority\n"},
                 {"usr/sbin/nginx", std::string("\x7f"
                                                "ELF worker_priority",
                                                20)}});
  std::set<std::string> kept = {"etc/nginx/nginx.conf", "usr/share/vim/addons/syntax/nginx.vim",
                                "usr/sbin/nginx"};
  auto gates = config_gates(tree, kept, {nginx});
  REQUIRE(gates.size() == 3);  // worker_priority's, and read_ahead's two
  CHECK(gates[0].import == "setpriority");
  CHECK_FALSE(gates[0].enabled);  // an editor's syntax file and the binary configure nothing
  CHECK(gates[0].decided_by.find("1 read") != std::string::npos);

  kept.insert("srv/site/nginx.cfg");  // nginx -c takes any path
  gates = config_gates(tree, kept, {nginx});
  REQUIRE(gates.size() == 3);
  CHECK(gates[0].enabled);
  CHECK(gates[0].decided_by == "srv/site/nginx.cfg:1: worker_priority 5;");

  kept.erase("srv/site/nginx.cfg");
  gates = config_gates(tree, kept, {nginx}, {"nginx", "-g", "worker_priority -5; daemon off;"});
  REQUIRE(gates.size() == 3);
  CHECK(gates[0].enabled);
  CHECK(gates[0].decided_by.starts_with("the image's command line: "));
}

TEST_CASE("a cut import: its calls are not followed", "[seccomp][config]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "tracer", R"(
#include <sys/ptrace.h>
#include <unistd.h>
int main(int argc, char** argv) {
  (void)argv;
  if (argc > 2) return (int)ptrace(PTRACE_ATTACH, (pid_t)argc, 0, 0);
  return (int)getppid();
}
)",
                     "-O2");
  CHECK(allows(analyze_host({exe}), "ptrace"));
  SeccompOptions cut;
  cut.cut_imports[exe.relative_path().string()] = {"ptrace"};
  SyscallAnalysis a = analyze_host({exe}, cut);
  CHECK_FALSE(allows(a, "ptrace"));
  CHECK(allows(a, "getppid"));
}

TEST_CASE("the MariaDB/MySQL server's chroot option, as my_getopt reads it", "[seccomp][config]") {
  CHECK_FALSE(mysql_chroot_on(""));
  CHECK_FALSE(mysql_chroot_on("[mysqld]\nuser = mysql\n# chroot = /srv\n;chroot=/srv\n"));
  auto on = mysql_chroot_on("[mysqld]\nchroot = /srv/db\n");
  REQUIRE(on);
  CHECK(on->line == 2);
  CHECK(on->text == "chroot = /srv/db");
  // Any case, '_' for '-', loose-, and an unambiguous prefix ("chr", not "ch").
  CHECK(mysql_chroot_on("exec mariadbd --user=mysql --CHROOT=/srv \"$@\""));
  CHECK(mysql_chroot_on("mariadbd --loose_chroot /srv"));
  CHECK(mysql_chroot_on("opts='--chr=/srv'"));
  CHECK(mysql_chroot_on("chro=/srv"));
  CHECK_FALSE(mysql_chroot_on("mariadbd --ch=/srv"));
  CHECK_FALSE(mysql_chroot_on("mariadbd --chrooted=/srv"));
  // Not an option: a word in the middle of a line without "--" (MariaDB's help tables).
  CHECK_FALSE(mysql_chroot_on("INSERT INTO help_topic VALUES (420, 37, 'CHR', 'CHR(N)');"));
  // The chroot command at the start of a script's line counts (never the reverse).
  CHECK(mysql_chroot_on("chroot /jail /usr/sbin/mariadbd"));

  const std::string server = "usr/sbin/mariadbd";
  FileTree tree = tree_with(
      {{"etc/mysql/my.cnf", "[mysqld]\nuser = mysql\n"},
       {"usr/share/mysql/fill_help_tables.sql", "INSERT INTO t VALUES ('CHR', 'chroot');\n"},
       {"srv/db/extra.cnf", "[mariadbd]\nchroot=/srv/db\n"}});
  std::set<std::string> kept = {"etc/mysql/my.cnf", "usr/share/mysql/fill_help_tables.sql"};
  auto gates =
      config_gates(tree, kept, {server, "usr/bin/mysqldump", "usr/lib/x86_64-linux-gnu/libc.so.6"});
  REQUIRE(gates.size() == 1);  // the server's; not mysqldump's
  CHECK(gates[0].import == "chroot");
  CHECK_FALSE(gates[0].enabled);
  gates = config_gates(tree, kept, {server}, {"mariadbd", "--chroot=/srv/db"});
  CHECK(gates[0].enabled);
  CHECK(gates[0].decided_by == "the image's command line: --chroot=/srv/db");
  kept.insert("srv/db/extra.cnf");  // --defaults-extra-file can name any path
  gates = config_gates(tree, kept, {server});
  CHECK(gates[0].enabled);
  CHECK(gates[0].decided_by == "srv/db/extra.cnf:2: chroot=/srv/db");
}

TEST_CASE("Kerberos' keyring ccache: named in text or in ELF strings", "[seccomp][config]") {
  CHECK_FALSE(krb5_keyring_on(""));
  CHECK_FALSE(
      krb5_keyring_on("[libdefaults]\n# default_ccache_name = KEYRING:persistent:%{uid}\n"));
  CHECK_FALSE(krb5_keyring_on("default_ccache_name = FILE:/tmp/krb5cc_%{uid}\n"));
  CHECK_FALSE(krb5_keyring_on("GNUTLS_E_OPENPGP_KEYRING_ERROR: PRIVATE-GNOME-KEYRING-PKCS11"));
  auto on = krb5_keyring_on("[libdefaults]\n  default_ccache_name = KEYRING:persistent:%{uid}\n");
  REQUIRE(on);
  CHECK(on->line == 2);
  CHECK(krb5_keyring_on("export KRB5CCNAME=\"KEYRING:session:app\""));

  using namespace std::string_literals;
  // libkrb5's own strings: the type's prefix and name, and its compiled-in default.
  std::string lib =
      "\x7f"
      "ELF\0KEYRING:\0KEYRING\0FILE:/tmp/krb5cc_%{uid}\0"s;
  CHECK_FALSE(krb5_keyring_in_object(lib, true));
  CHECK(krb5_keyring_in_object(lib + "KEYRING:persistent:%{uid}\0"s, true));
  // Another object: a name, or the type alone (krb5_cc_new_unique).
  CHECK(krb5_keyring_in_object("\0KEYRING:session:x\0"s, false));
  CHECK(krb5_keyring_in_object("\0KEYRING\0"s, false));
  CHECK_FALSE(krb5_keyring_in_object("\0GNUTLS_E_OPENPGP_KEYRING_ERROR\0"s, false));
  CHECK_FALSE(krb5_keyring_in_object("\0PRIVATE-GNOME-KEYRING-PKCS11-PROTOCOL\0"s, false));

  const std::string krb5 = "usr/lib/x86_64-linux-gnu/libkrb5.so.3.3";
  FileTree tree = tree_with({{krb5, lib},
                             {"etc/krb5.conf", "[libdefaults]\n default_realm = EXAMPLE\n"},
                             {"usr/bin/app",
                              "\x7f"
                              "ELF\0KEYRING:session:app\0"s},
                             {"etc/krb5.conf.d/keyring", "default_ccache_name = KEYRING:x\n"}});
  std::set<std::string> kept = {krb5, "etc/krb5.conf"};
  auto gates = config_gates(tree, kept, {krb5});
  REQUIRE(gates.size() > 10);  // one per libkeyutils function libkrb5 calls
  CHECK(
      std::any_of(gates.begin(), gates.end(), [](const auto& g) { return g.import == "add_key"; }));
  CHECK(std::none_of(gates.begin(), gates.end(), [](const auto& g) { return g.enabled; }));
  CHECK_THAT(gates[0].decided_by, Catch::Contains("names a KEYRING ccache"));
  gates = config_gates(tree, kept, {krb5}, {"KRB5CCNAME=KEYRING:session:x"});
  CHECK(gates[0].enabled);
  auto with = [&](const std::string& path) {
    auto k = kept;
    k.insert(path);
    return config_gates(tree, k, {krb5})[0];
  };
  CHECK(with("usr/bin/app").decided_by == "usr/bin/app names it");
  CHECK(with("etc/krb5.conf.d/keyring").decided_by ==
        "etc/krb5.conf.d/keyring:1: default_ccache_name = KEYRING:x");
}
