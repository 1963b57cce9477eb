#include <catch2/catch.hpp>

#include "harden/config_writes.h"
#include "harden/script_writes.h"

#include <memory>

using namespace imgstrip;

namespace {

std::vector<std::string> dirs(std::string_view text) {
  std::vector<std::string> out;
  for (const WrittenPlace& w : script_writes(text, "/entry.sh"))
    out.push_back(w.path);
  return out;
}

}  // namespace

TEST_CASE("an entrypoint's redirections, mkdir and chown name what must be writable",
          "[harden][writes]") {
  auto w = script_writes(
      "#!/bin/sh\nset -e\n"
      "sed \"s/@PORT@/$PORT/\" /etc/nginx/site.template > /etc/nginx/sites-enabled/default\n"
      "mkdir -p /run/php /var/lib/guestbook\n"
      "chown www-data:www-data /var/lib/guestbook\n"
      "exec nginx -g 'daemon off;' 2>&1\n",
      "/docker-entrypoint.sh");
  REQUIRE(w.size() == 4);
  CHECK(w[0].path == "etc/nginx/sites-enabled");
  CHECK(w[0].why == "/docker-entrypoint.sh line 3 writes /etc/nginx/sites-enabled/default");
  CHECK(w[1].path == "run/php");
  CHECK(w[2].path == "var/lib/guestbook");
  CHECK(w[3].path == "var/lib/guestbook");
  CHECK(w[3].why == "/docker-entrypoint.sh line 5 makes or changes /var/lib/guestbook");
}

TEST_CASE("what is not a literal absolute file written is not counted", "[harden][writes]") {
  CHECK(dirs("echo hi >&2\necho x > /dev/null\ncat < /etc/input\n").empty());
  CHECK(dirs("mkdir -p \"$PGDATA\" $HOME/x\nprintf '%s' x >\"$pwfile\"\n").empty());
  CHECK(dirs("# echo x > /etc/commented\ncp /a/b relative/c\nrm -rf /tmp/*\n").empty());
  CHECK(dirs("echo '> /etc/quoted is text'\n").empty());
  CHECK(dirs("echo x > /top-level-file\necho y > /etc/../x\n").empty());
}

TEST_CASE("tee, sed -i, cp, mv, ln, touch, appends and &>", "[harden][writes]") {
  CHECK(dirs("echo x | tee -a /etc/a/conf\n") == std::vector<std::string>{"etc/a"});
  CHECK(dirs("sed -i 's/a/b/' /etc/b/conf\n") == std::vector<std::string>{"etc/b"});
  CHECK(dirs("sed -i -e 's/a/b/' /etc/c/conf\n") == std::vector<std::string>{"etc/c"});
  CHECK(dirs("cp /usr/share/x /etc/d/x\n") == std::vector<std::string>{"etc/d"});
  CHECK(dirs("mv /srv/e/a /srv/f/b\n") == std::vector<std::string>{"srv/f", "srv/e"});
  CHECK(dirs("ln -sf /proc/self/fd/1 /var/log/g/access.log\n") ==
        std::vector<std::string>{"var/log/g"});
  CHECK(dirs("touch /srv/h/ready && exec app\n") == std::vector<std::string>{"srv/h"});
  CHECK(dirs("run 2>>/var/log/i/err; other &> /var/log/j/out\n") ==
        std::vector<std::string>{"var/log/i", "var/log/j"});
  CHECK(dirs("X=1 exec /bin/cmd >/srv/k/log\n") == std::vector<std::string>{"srv/k"});
}

TEST_CASE("hostile script text does not crash the scanner", "[harden][writes]") {
  CHECK_NOTHROW(dirs(std::string("\"unterminated > /etc/x\n'\n>\n2>\n&>\n>&\n<", 40)));
  CHECK_NOTHROW(dirs(std::string(1000, '>')));
  CHECK_NOTHROW(dirs("mkdir\nchown\nsed -i\ncp\n"));
}

TEST_CASE("a write through a symlink needs the link target's directory", "[harden][writes]") {
  FileTree tree(std::make_shared<ContentStore>());
  auto add = [&](std::string path, FileType type, std::string data = "", std::string link = "") {
    Entry e;
    e.path = std::move(path);
    e.type = type;
    e.mode = type == FileType::Regular ? 0755 : 0755;
    e.link = std::move(link);
    e.size = data.size();
    if (!data.empty()) e.content = tree.contents()->append(data);
    tree.insert(e);
  };
  add("etc", FileType::Directory);
  add("etc/nginx", FileType::Directory);
  add("etc/nginx/sites-available", FileType::Directory);
  add("etc/nginx/sites-available/default", FileType::Regular, "server {}\n");
  add("etc/nginx/sites-enabled", FileType::Directory);
  add("etc/nginx/sites-enabled/default", FileType::Symlink, "", "../sites-available/default");
  add("entry.sh", FileType::Regular, "#!/bin/sh\necho x > /etc/nginx/sites-enabled/default\n");
  add("data.txt", FileType::Regular, "echo x > /etc/ignored/file\n");  // not a script
  auto w = script_writes(tree, {"entry.sh", "data.txt", "missing"});
  REQUIRE(w.size() == 1);
  CHECK(w[0].path == "etc/nginx/sites-available");
  CHECK(w[0].why.find("through a symlink: /etc/nginx/sites-available/default") !=
        std::string::npos);
}

TEST_CASE("configuration files name the log, pid and state files programs write",
          "[harden][writes]") {
  auto w = config_writes(
      "; comment /var/log/no.log\n"
      "[global]\n"
      "pid = /run/php/php8.2-fpm.pid\n"
      "error_log = /var/log/php8.2-fpm.log\n"
      "include=/etc/php/8.2/fpm/pool.d/*.conf\n"
      "  # error_log /var/log/commented.log\n"
      "access_log \"/var/log/nginx/access.log\" main;\n"
      "session.save_path = /var/lib/php/sessions/$USER\n"
      "url http://example.com/var/log/x\n",
      "/etc/x.conf");
  REQUIRE(w.size() == 3);
  CHECK(w[0].file == "run/php/php8.2-fpm.pid");
  CHECK(w[1].file == "var/log/php8.2-fpm.log");
  CHECK(w[1].why == "/etc/x.conf line 4 names /var/log/php8.2-fpm.log");
  CHECK(w[2].file == "var/log/nginx/access.log");
}

TEST_CASE("dot parts are normalised away, and the root is never a writable place",
          "[harden][writes]") {
  CHECK(dirs("mkdir -p /. /./ /run/./x\n") == std::vector<std::string>{"run/x"});
  CHECK(dirs("echo > /./etc/./a/b\n") == std::vector<std::string>{"etc/a"});
  CHECK(config_writes("pid /run/./x/../y.pid\nlog /var/log/./a.log\n", "/etc/c").size() == 1);
}
