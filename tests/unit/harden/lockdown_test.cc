#include <catch2/catch.hpp>

#include <memory>

#include "harden/lockdown.h"
#include "harden/run_user.h"

using namespace imgstrip;

namespace {

struct Tree {
  FileTree tree{std::make_shared<ContentStore>()};
  std::set<std::string> paths;

  Tree& file(const std::string& path, const std::string& data, uint32_t mode, uint32_t uid = 0,
             uint32_t gid = 0) {
    Entry e;
    e.path = path;
    e.mode = mode;
    e.uid = uid;
    e.gid = gid;
    e.size = data.size();
    e.content = data.empty() ? kNoContent : tree.contents()->append(data);
    tree.insert(e);
    paths.insert(path);
    return *this;
  }
  Tree& dir(const std::string& path, uint32_t mode, uint32_t uid = 0, uint32_t gid = 0) {
    Entry e;
    e.path = path;
    e.type = FileType::Directory;
    e.mode = mode;
    e.uid = uid;
    e.gid = gid;
    tree.insert(e);
    paths.insert(path);
    return *this;
  }
  uint32_t mode(const std::string& path) const { return tree.find(path)->mode; }
  uint32_t uid(const std::string& path) const { return tree.find(path)->uid; }
};

const std::string kElf = std::string(
                             "\x7f"
                             "ELF\x02\x01\x01",
                             7) +
                         std::string(64, '\0');
const std::string kPasswd =
    "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
    "app:x:1000:1000::/app:/bin/sh\n";
const std::string kGroup = "root:x:0:\nwww-data:x:33:\napp:x:1000:\nstaff:x:50:app\n";

Tree image() {
  Tree t;
  t.dir("etc", 0755).file("etc/passwd", kPasswd, 0644).file("etc/group", kGroup, 0644);
  t.dir("usr", 0755).dir("usr/bin", 0755).dir("usr/share", 0755).dir("tmp", 01777);
  t.file("usr/bin/su", kElf, 04755).file("usr/bin/wall", kElf, 02755);
  t.file("usr/bin/nginx", kElf, 0755).file("usr/bin/start", "#!/bin/sh\nexec nginx\n", 0755);
  t.file("etc/nginx.conf", "user www-data;\n", 0755);
  t.file("usr/share/data.txt", "x", 0775).file("usr/share/empty-hook", "", 0755);
  t.file("usr/share/oops", "x", 0666).dir("var", 0755).dir("var/drop", 0777);
  Entry null;
  null.path = "dev/null";
  null.type = FileType::CharDevice;
  null.mode = 0666;
  t.tree.insert(null);
  t.paths.insert("dev/null");
  return t;
}

}  // namespace

TEST_CASE("lockdown as root: setid bits, world write and exec bits on data go",
          "[harden][lockdown]") {
  Tree t = image();
  LockdownInput in;
  in.executed = {{"usr/bin/start", "entrypoint"}};
  Lockdown l = lock_down(t.tree, t.paths, in);
  CHECK(t.mode("usr/bin/su") == 0755);
  CHECK(t.mode("usr/bin/wall") == 0755);
  CHECK(t.mode("usr/bin/nginx") == 0755);
  CHECK(t.mode("usr/bin/start") == 0755);
  CHECK(t.mode("etc/nginx.conf") == 0644);
  CHECK(t.mode("usr/share/data.txt") == 0664);
  CHECK(t.mode("usr/share/empty-hook") == 0755);  // an empty script runs
  CHECK(t.mode("usr/share/oops") == 0664);
  CHECK(t.mode("var/drop") == 0775);
  CHECK(t.mode("tmp") == 01777);  // sticky: stays
  CHECK(t.mode("dev/null") == 0666);
  CHECK(l.setid_kept.empty());
  // Every change is in the report, with why.
  Json j = l.json();
  bool su = false;
  for (const Json& c : j["changes"]) {
    CHECK_FALSE(c["why"].get<std::string>().empty());
    if (c["path"] == "/usr/bin/su") {
      su = true;
      CHECK(c["before"] == "4755");
      CHECK(c["after"] == "0755");
      CHECK(c["why"] == "setuid bit: the image starts as root");
    }
  }
  CHECK(su);
  CHECK(l.changes.size() == 6);
  CHECK(l.exec_kept_in_data_dirs.count("usr/share/empty-hook") == 1);
}

TEST_CASE(
    "lockdown as a non-root user: what it runs keeps its setid bit, what it owns goes "
    "to root outside the writable paths",
    "[harden][lockdown]") {
  Tree t = image();
  t.dir("app", 0755, 1000, 1000).file("app/server.js", "x", 0664, 1000, 1000);
  t.dir("app/uploads", 0755, 1000, 1000).file("app/uploads/a", "x", 0644, 1000, 1000);
  t.file("etc/shared.conf", "x", 0664, 0, 1000);
  LockdownInput in;
  in.user = "app";
  in.executed = {{"usr/bin/su", "command of usr/bin/start"}};
  in.writable = {{"app/uploads", "requested (--writable)", false, 1000, 0755}};
  Lockdown l = lock_down(t.tree, t.paths, in);
  CHECK(t.mode("usr/bin/su") == 04755);
  CHECK(l.setid_kept.at("usr/bin/su") == "command of usr/bin/start runs it as user app");
  CHECK(t.mode("usr/bin/wall") == 0755);
  CHECK(t.uid("app") == 0);
  CHECK(t.uid("app/server.js") == 0);
  CHECK(t.uid("app/uploads") == 1000);
  CHECK(t.uid("app/uploads/a") == 1000);
  CHECK(t.mode("etc/shared.conf") == 0644);  // group write of the user's group
  CHECK(l.run_uid == 1000u);
  CHECK(l.run_gid == 1000u);
}

TEST_CASE("a user etc/passwd does not name: owners stay, and the report says so",
          "[harden][lockdown]") {
  Tree t = image();
  t.file("srv", "x", 0644, 4242);
  LockdownInput in;
  in.user = "ghost";
  Lockdown l = lock_down(t.tree, t.paths, in);
  CHECK(t.uid("srv") == 4242);
  REQUIRE(l.notes.size() == 1);
  CHECK(l.notes[0].find("ghost") != std::string::npos);
}

TEST_CASE("the run user's ids, as runc finds them", "[harden][lockdown]") {
  Tree t = image();
  CHECK_FALSE(user_ids(t.tree, "").has_value());
  CHECK_FALSE(user_ids(t.tree, "root").has_value());
  CHECK_FALSE(user_ids(t.tree, "0:33").has_value());
  auto w = user_ids(t.tree, "www-data");
  REQUIRE(w);
  CHECK(w->uid == 33);
  CHECK(w->gid == 33);
  auto n = user_ids(t.tree, "1000");  // a number passwd names: its group
  REQUIRE(n);
  CHECK(n->gid == 1000);
  auto u = user_ids(t.tree, "4242");  // a number passwd does not name: group 0
  REQUIRE(u);
  CHECK(u->uid == 4242);
  CHECK(u->gid == 0);
  auto g = user_ids(t.tree, "app:staff");
  REQUIRE(g);
  CHECK(g->gid == 50);
  CHECK_FALSE(user_ids(t.tree, "app:nogroup").has_value());
  CHECK_FALSE(user_ids(t.tree, "nobody").has_value());
  // A hostile passwd: short lines and junk are skipped, not crashed on.
  Tree h;
  h.file("etc/passwd", "x\n:::\napp:x:notanumber:1\n\n", 0644);
  CHECK_FALSE(user_ids(h.tree, "app").has_value());
}
