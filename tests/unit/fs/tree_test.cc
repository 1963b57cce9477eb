#include "fs/tree.h"

#include <catch2/catch.hpp>

#include "core/error.h"
#include "fs/content_store.h"

using namespace imgstrip;

namespace {

Entry dir(std::string path) {
  Entry e;
  e.path = std::move(path);
  e.type = FileType::Directory;
  e.mode = 0755;
  return e;
}

Entry file(std::string path, uint64_t size = 0) {
  Entry e;
  e.path = std::move(path);
  e.size = size;
  return e;
}

Entry symlink_to(std::string path, std::string target) {
  Entry e;
  e.path = std::move(path);
  e.type = FileType::Symlink;
  e.link = std::move(target);
  return e;
}

// usr/{bin/sh, lib/libc.so}, lib -> usr/lib, bin -> /usr/bin, etc/passwd
FileTree sample() {
  FileTree t;
  t.insert(dir("usr"));
  t.insert(dir("usr/bin"));
  t.insert(file("usr/bin/sh"));
  t.insert(dir("usr/lib"));
  t.insert(file("usr/lib/libc.so"));
  t.insert(symlink_to("lib", "usr/lib"));
  t.insert(symlink_to("bin", "/usr/bin"));
  t.insert(dir("etc"));
  t.insert(file("etc/passwd"));
  return t;
}

}  // namespace

TEST_CASE("normalize drops slashes and dots and rejects ..") {
  CHECK(FileTree::normalize("/usr/bin/") == "usr/bin");
  CHECK(FileTree::normalize("./usr//./bin") == "usr/bin");
  CHECK(FileTree::normalize("/") == "");
  CHECK(FileTree::normalize(".") == "");
  CHECK_THROWS_AS(FileTree::normalize("usr/../etc"), Error);
  CHECK_THROWS_WITH(FileTree::normalize(".."), Catch::Contains(".."));
}

TEST_CASE("find accepts the usual spellings and follows no symlink") {
  FileTree t = sample();
  REQUIRE(t.find("usr/bin/sh") != nullptr);
  CHECK(t.find("/usr/bin/sh") == t.find("usr/bin/sh"));
  CHECK(t.find("./usr/bin/sh") == t.find("usr/bin/sh"));
  CHECK(t.find("bin/sh") == nullptr);
  CHECK(t.find("usr/../etc/passwd") == nullptr);
  REQUIRE(t.find("") != nullptr);
  CHECK(t.find("")->type == FileType::Directory);
}

TEST_CASE("lookup follows symlinks confined to the root") {
  FileTree t = sample();
  t.insert(symlink_to("etc/escape", "../../../../etc/passwd"));
  t.insert(symlink_to("etc/abs", "/etc/passwd"));
  t.insert(symlink_to("usr/lib/self", "."));

  SECTION("relative and absolute links in the middle of a path") {
    auto r = t.lookup("lib/libc.so");
    REQUIRE(r);
    CHECK(r->path == "usr/lib/libc.so");
    REQUIRE(r->entry != nullptr);
    CHECK(r->entry->path == "usr/lib/libc.so");
    CHECK(t.lookup("/bin/sh")->path == "usr/bin/sh");
    CHECK(t.lookup("lib/self/self/libc.so")->path == "usr/lib/libc.so");
  }
  SECTION(".. at the root stays at the root") {
    CHECK(t.lookup("etc/escape")->path == "etc/passwd");
    CHECK(t.lookup("../../etc/passwd")->path == "etc/passwd");
    CHECK(t.lookup("etc/abs")->path == "etc/passwd");
    CHECK(t.lookup("lib/../bin/sh")->path == "usr/bin/sh");  // lib is usr/lib
    CHECK_FALSE(t.lookup("lib/../etc/passwd"));              // usr/etc is missing
  }
  SECTION("the last component is followed only when asked") {
    auto r = t.lookup("lib", false);
    REQUIRE(r);
    CHECK(r->path == "lib");
    CHECK(r->entry->type == FileType::Symlink);
    CHECK(t.lookup("lib", true)->path == "usr/lib");
  }
  SECTION("missing files and non-directories") {
    auto r = t.lookup("usr/bin/missing");
    REQUIRE(r);
    CHECK(r->path == "usr/bin/missing");
    CHECK(r->entry == nullptr);
    CHECK_FALSE(t.lookup("usr/missing/x"));
    CHECK_FALSE(t.lookup("etc/passwd/x"));
  }
  SECTION("loops give nullopt") {
    t.insert(symlink_to("loop1", "loop2"));
    t.insert(symlink_to("loop2", "/loop1"));
    t.insert(symlink_to("self", "self"));
    CHECK_FALSE(t.lookup("loop1"));
    CHECK_FALSE(t.lookup("self/x"));
    CHECK(t.lookup("loop1", false)->entry->type == FileType::Symlink);
  }
  SECTION("40 links are fine, 41 are a loop") {
    for (int i = 0; i < 41; ++i)
      t.insert(symlink_to("l" + std::to_string(i), "l" + std::to_string(i + 1)));
    t.insert(symlink_to("l41", "etc"));
    REQUIRE(t.lookup("l2"));  // l2 -> l3 ... l41 -> etc: 40 links
    CHECK(t.lookup("l2")->path == "etc");
    CHECK_FALSE(t.lookup("l1"));
  }
}

TEST_CASE("RootFs view of a tree") {
  FileTree t = sample();
  CHECK(t.resolve("/lib/libc.so") == "usr/lib/libc.so");
  CHECK_FALSE(t.resolve("lib/nothing"));
  CHECK(t.list("/") == std::vector<std::string>{"bin", "etc", "lib", "usr"});
  CHECK(t.list("lib") == std::vector<std::string>{"libc.so"});
  CHECK(t.list("etc/passwd").empty());
  CHECK_FALSE(t.read("lib", 100));
  // Built without contents: reading an empty file works, a non-empty one is an error.
  CHECK(t.read("usr/bin/sh", 100) == "");
  t.insert(file("etc/hosts", 10));
  CHECK_THROWS_WITH(t.read("etc/hosts", 100), Catch::Contains("without file contents"));
}

TEST_CASE("children and remove respect path byte order") {
  FileTree t;
  t.insert(dir("a"));
  t.insert(file("a-b"));
  t.insert(dir("a/b"));
  t.insert(file("a/b/c"));
  t.insert(file("a/b-c"));
  t.insert(file("a/c"));
  t.insert(file("a0"));
  std::vector<std::string> names;
  for (const Entry* e : t.children("a"))
    names.push_back(e->path);
  CHECK(names == std::vector<std::string>{"a/b", "a/b-c", "a/c"});
  names.clear();
  for (const Entry* e : t.children(""))
    names.push_back(e->path);
  CHECK(names == std::vector<std::string>{"a", "a-b", "a0"});

  t.remove("a/b");
  CHECK(t.find("a/b/c") == nullptr);
  CHECK(t.find("a/b-c") != nullptr);
  t.remove("/a");
  CHECK(t.find("a/c") == nullptr);
  CHECK(t.find("a-b") != nullptr);
  CHECK(t.find("a0") != nullptr);
}

TEST_CASE("remove_below keeps entries of the given layer and above") {
  FileTree t;
  Entry d = dir("d");
  t.insert(d);
  Entry lower = file("d/lower");
  lower.layer = 0;
  Entry upper = file("d/upper");
  upper.layer = 2;
  t.insert(lower);
  t.insert(upper);
  t.remove_below("d", 2);
  CHECK(t.find("d") != nullptr);
  CHECK(t.find("d/lower") == nullptr);
  CHECK(t.find("d/upper") != nullptr);
}

TEST_CASE("content store spools to an anonymous file") {
  auto store = std::make_shared<ContentStore>();
  uint64_t a = store->append("hello");
  StringReader in("world and more");
  uint64_t b = store->append(in, 5);
  CHECK(a == 0);
  CHECK(b == 5);
  CHECK(store->bytes() == 10);
  auto s = store->open(b, 5);
  CHECK(read_all(*s, 100, "x") == "world");
  CHECK_THROWS_AS(store->open(8, 5), Error);
  StringReader shorter("abc");
  CHECK_THROWS_WITH(store->append(shorter, 10), Catch::Contains("early"));

  FileTree t(store);
  Entry e = file("f", 5);
  e.content = a;
  t.insert(e);
  CHECK(t.read(*t.find("f"), 100) == "hello");
  CHECK_THROWS_WITH(t.read(*t.find("f"), 3), Catch::Contains("limit"));
  CHECK_THROWS_WITH(t.open(*t.find("")), Catch::Contains("not a regular file"));
}

TEST_CASE("read_start reads a file's first bytes, all of a shorter one") {
  auto store = std::make_shared<ContentStore>();
  FileTree t(store);
  Entry e = file("etc/motd", 5);
  e.content = store->append("hello");
  t.insert(e);
  const Entry& m = *t.find("etc/motd");
  CHECK(t.read_start(m, 4) == "hell");
  CHECK(t.read_start(m, 5) == "hello");
  CHECK(t.read_start(m, 100) == "hello");
  CHECK(t.read_start(m, 0).empty());
}
