#include <catch2/catch.hpp>

#include "resolve/keep_set.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using imgstrip::test::TreeBuilder;

TEST_CASE("keep set: a path through a symlinked directory keeps the link, parents, target") {
  FileTree tree = TreeBuilder()
                      .symlink("lib", "usr/lib")
                      .file("usr/lib/libz.so.1.2.13", "z")
                      .symlink("usr/lib/libz.so.1", "libz.so.1.2.13")
                      .file("usr/lib/other", "o")
                      .build();
  KeepSet keep(tree);
  REQUIRE(keep.add("/lib/libz.so.1", {ReasonKind::Needed, "DT_NEEDED of /usr/bin/x", ""}));
  CHECK(keep.contains("lib"));                     // the directory symlink, as a link
  CHECK(keep.contains("usr/lib/libz.so.1"));       // the path itself, at its real place
  CHECK(keep.contains("usr/lib/libz.so.1.2.13"));  // its target
  CHECK(keep.contains("usr"));
  CHECK_FALSE(keep.contains("usr/lib/other"));
  CHECK(keep.reasons("usr/lib/libz.so.1.2.13").front().kind == ReasonKind::SymlinkTarget);
  auto why = keep.why("/usr/lib/libz.so.1.2.13");
  REQUIRE(why.size() == 2);
  CHECK(why[0] == "/usr/lib/libz.so.1.2.13: target of /usr/lib/libz.so.1");
  CHECK(why[1] == "/usr/lib/libz.so.1: DT_NEEDED of /usr/bin/x");
  CHECK_FALSE(keep.add("usr/lib/missing", {ReasonKind::File, "-f", ""}));
}

TEST_CASE("keep set: excluded paths are never kept, even as symlink targets") {
  FileTree tree = TreeBuilder().file("a/real", "x").symlink("a/link", "real").build();
  KeepSet keep(tree);
  keep.set_exclude([](const std::string& p) { return p == "a/real"; });
  CHECK(keep.add("a/link", {ReasonKind::File, "-f", ""}));
  CHECK(keep.contains("a/link"));
  CHECK_FALSE(keep.contains("a/real"));
  CHECK(keep.excluded_hits().count("a/real") == 1);
}

TEST_CASE("keep set: add_tree keeps a directory whole, with a skip predicate") {
  FileTree tree = TreeBuilder()
                      .file("srv/app/a", "1")
                      .file("srv/app/doc/readme", "2")
                      .symlink("srv/app/l", "/etc/x")
                      .file("etc/x", "3")
                      .build();
  KeepSet keep(tree);
  keep.add_tree("srv/app", {ReasonKind::File, "-f /srv/app", ""},
                [](const std::string& p) { return p.starts_with("srv/app/doc"); });
  CHECK(keep.contains("srv/app/a"));
  CHECK(keep.contains("srv/app/l"));
  CHECK(keep.contains("etc/x"));  // target of a kept link
  CHECK_FALSE(keep.contains("srv/app/doc/readme"));
  CHECK(keep.order().front() == "srv/app");
}
