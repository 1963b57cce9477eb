#include <catch2/catch.hpp>

#include <algorithm>

#include "resolve/text_scan.h"

using namespace imgstrip;

TEST_CASE("shebang lines and env programs") {
  auto s = parse_shebang("#!/bin/sh -e\necho hi\n");
  REQUIRE(s);
  CHECK(s->interpreter == "/bin/sh");
  CHECK(s->argument == "-e");
  auto e = parse_shebang("#! /usr/bin/env -S VAR=1 python3 -u\n");
  REQUIRE(e);
  CHECK(e->interpreter == "/usr/bin/env");
  CHECK(env_program(*e) == "python3");
  CHECK_FALSE(env_program(*s));
  CHECK_FALSE(parse_shebang("echo"));
  CHECK(is_shell("/bin/dash"));
  CHECK_FALSE(is_shell("/usr/bin/python3"));
}

TEST_CASE("absolute paths in configuration text") {
  auto refs = absolute_paths(
      "include /etc/nginx/modules-enabled/*.conf;\n"
      "# include /etc/nginx/commented.conf;\n"
      "  root /var/www/html;\n"
      "listen=/run/php/php8.2-fpm.sock\n"
      "url http://example.com/path and \"/quoted/file\"\n");
  std::vector<std::string> texts;
  for (auto& r : refs)
    texts.push_back(r.text);
  CHECK(texts == std::vector<std::string>{"/etc/nginx/modules-enabled/*.conf", "/var/www/html",
                                          "/run/php/php8.2-fpm.sock", "/quoted/file"});
  CHECK(refs[1].line == 3);
  CHECK(has_glob(refs[0].text));
}

TEST_CASE("words of a shell script") {
  auto words = shell_words(
      "#!/bin/sh\nset -e\n# nginx in a comment\nVAR=value\nenvsubst < a > b\n"
      "exec php-fpm8.2 --nodaemonize \"$@\"\n");
  std::vector<std::string> texts;
  for (auto& w : words)
    texts.push_back(w.text);
  CHECK(std::find(texts.begin(), texts.end(), "envsubst") != texts.end());
  CHECK(std::find(texts.begin(), texts.end(), "php-fpm8.2") != texts.end());
  CHECK(std::find(texts.begin(), texts.end(), "nginx") == texts.end());
  CHECK(std::find(texts.begin(), texts.end(), "VAR") == texts.end());
}

TEST_CASE("words of lines that only print are not commands") {
  auto has = [](std::string_view script, const std::string& word) {
    auto words = shell_words(script);
    return std::any_of(words.begin(), words.end(), [&](auto& w) { return w.text == word; });
  };
  CHECK_FALSE(has("echo \"Run mysql_upgrade, not mysql_install_db\"\n", "mysql_upgrade"));
  CHECK_FALSE(has("  echo \"cd '$basedir' ; perl test-run.pl\" >&2\n", "perl"));
  CHECK_FALSE(has("printf '%s\\n' \"see mysqlcheck(1)\" 1>&2\n", "mysqlcheck"));
  // Unless the line runs something too.
  CHECK(has("echo start | logger -t db\n", "logger"));
  CHECK(has("echo \"$(hostname)\"\n", "hostname"));
  CHECK(has("echo `uname -r`\n", "uname"));
  CHECK(has("echo x && rotate-logs\n", "rotate-logs"));
  CHECK(has("echo x & worker\n", "worker"));
  // A string going on past the line: not sure, so scanned.
  CHECK(has("echo \"first line\nrun-me\"\n", "run-me"));
  // Through a variable directory, the same.
  auto vd = variable_dir_names("echo \"start $bindir/mariadbd-safe\"\n$sbindir/mariadbd\n");
  REQUIRE(vd.size() == 1);
  CHECK(vd[0].text == "mariadbd");
  CHECK(vd[0].line == 2);
}

TEST_CASE("words cat prints from a here-document, and loop variables, are not commands") {
  auto has = [](std::string_view script, const std::string& word) {
    auto words = shell_words(script);
    return std::any_of(words.begin(), words.end(), [&](auto& w) { return w.text == word; });
  };
  const char* usage =
      "usage()\n{\n  cat <<EOF\nUsage: $0\n  user to login as root\n  Don't install it\nEOF\n}\n"
      "install -d /x\n";
  CHECK_FALSE(has(usage, "login"));
  CHECK(has(usage, "install"));  // after the delimiter, a command again
  CHECK(has(usage, "cat"));
  // <<- strips tabs before the delimiter; a quoted delimiter expands nothing.
  CHECK_FALSE(has("cat >&2 <<-END\n\tlogin here\n\tEND\n", "login"));
  CHECK(has("cat >&2 <<-END\n\tlogin here\n\tEND\nlogin\n", "login"));
  CHECK_FALSE(has("cat <<'EOF'\nsee $(hostname)\nEOF\n", "hostname"));
  // An expanded body runs its substitutions.
  CHECK(has("cat <<EOF\nhost: $(hostname)\nEOF\n", "hostname"));
  CHECK(has("cat <<EOF\nkernel: `uname -r`\nEOF\n", "uname"));
  // Bodies other commands read are commands (sh) or not looked into: scanned.
  CHECK(has("sh <<EOF\nlogger started\nEOF\n", "logger"));
  CHECK(has("mysql <<EOF\nshutdown\nEOF\n", "shutdown"));
  // Without its delimiter the body runs to the end, as the shell reads it.
  CHECK_FALSE(has("cat <<EOF\nlogin\n", "login"));

  CHECK_FALSE(has("for dir in \"$@\"\ndo\n  test -f \"$dir/x\"\ndone\n", "dir"));
  CHECK_FALSE(has("for f; do :; done\n", "f"));
  CHECK_FALSE(has("select opt in a b; do break; done\n", "opt"));
  CHECK(has("for f in $(find /x); do :; done\n", "find"));
  CHECK(has("# ran for dir\nwait_for dir now\n", "dir"));  // not after the keyword
}
