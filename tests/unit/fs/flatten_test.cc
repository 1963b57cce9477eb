#include "fs/flatten.h"

#include <catch2/catch.hpp>

#include "core/error.h"
#include "oci/digest.h"
#include "unit/fs/layer_builder.h"

using namespace imgstrip;
using imgstrip::test::LayerBuilder;
using media::Compression;

namespace {

FileTree flatten(const std::vector<std::string>& layers, FlattenOptions options = {}) {
  Flattener f(std::move(options));
  int i = 0;
  for (const auto& bytes : layers) {
    StringReader in(bytes);
    f.apply(in, "layer " + std::to_string(++i));
  }
  return f.finish();
}

std::string contents(const FileTree& t, std::string_view path) {
  const Entry* e = t.find(path);
  REQUIRE(e != nullptr);
  return t.read(*e, 1 << 20);
}

bool has(const FileTree& t, std::string_view path) {
  return t.find(path) != nullptr;
}

}  // namespace

TEST_CASE("plain, gzip and zstd layers are detected by content") {
  LayerBuilder b;
  b.dir("etc").file("etc/hostname", "box\n").symlink("etc/alias", "hostname");
  for (auto c : {Compression::None, Compression::Gzip, Compression::Zstd}) {
    FileTree t = flatten({b.tar(c)});
    CHECK(contents(t, "etc/hostname") == "box\n");
    CHECK(t.find("etc/alias")->link == "hostname");
    CHECK(t.size() == 4);  // root, etc, hostname, alias
  }
}

TEST_CASE("metadata is kept") {
  LayerBuilder b;
  b.dir("dev", 0755);
  b.file("bin/su", "x", 04755);
  b.last().uid = 12;
  b.last().gid = 34;
  b.last().uname = "alice";
  b.last().gname = "staff";
  b.last().mtime = 1234567890;
  b.last().xattrs = {{"user.b", "2"}, {"security.capability", std::string("\x01\x00\x00\x02", 4)}};
  b.device("dev/null", FileType::CharDevice, 1, 3);
  b.device("dev/sda", FileType::BlockDevice, 8, 0);
  b.fifo("run/fifo");
  FileTree t = flatten({b.tar(Compression::Gzip)});

  const Entry* su = t.find("bin/su");
  REQUIRE(su != nullptr);
  CHECK(su->type == FileType::Regular);
  CHECK(su->mode == 04755);
  CHECK(su->uid == 12);
  CHECK(su->gid == 34);
  CHECK(su->uname == "alice");
  CHECK(su->gname == "staff");
  CHECK(su->mtime == 1234567890);
  CHECK(su->size == 1);
  REQUIRE(su->xattrs.size() == 2);
  CHECK(su->xattrs[0].first == "security.capability");
  CHECK(su->xattrs[0].second == std::string("\x01\x00\x00\x02", 4));
  CHECK(su->xattrs[1] == std::pair<std::string, std::string>{"user.b", "2"});

  const Entry* null = t.find("dev/null");
  REQUIRE(null != nullptr);
  CHECK(null->type == FileType::CharDevice);
  CHECK(null->dev_major == 1);
  CHECK(null->dev_minor == 3);
  CHECK(null->content == kNoContent);
  CHECK(t.find("dev/sda")->type == FileType::BlockDevice);
  CHECK(t.find("dev/sda")->dev_major == 8);
  CHECK(t.find("run/fifo")->type == FileType::Fifo);
  CHECK_THROWS_WITH(t.open(*t.find("run/fifo")), Catch::Contains("not a regular file"));
}

TEST_CASE("whiteouts hide entries of lower layers only") {
  LayerBuilder l1;
  l1.dir("a").file("a/x", "x").file("a/y", "y").dir("a/sub").file("a/sub/z", "z");
  LayerBuilder l2;
  l2.file("a/new", "n").file("a/.wh.x", "").file("a/.wh.sub", "").file("a/.wh.new", "");
  l2.file("a/.wh.missing", "");
  FileTree t = flatten({l1.tar(), l2.tar()});
  CHECK_FALSE(has(t, "a/x"));
  CHECK_FALSE(has(t, "a/sub"));
  CHECK_FALSE(has(t, "a/sub/z"));
  CHECK(contents(t, "a/y") == "y");
  CHECK(contents(t, "a/new") == "n");  // same layer: the whiteout does not apply
  for (const auto& [path, e] : t.entries())
    CHECK(path.find(".wh.") == std::string::npos);

  LayerBuilder l3;
  l3.file("a/.wh.new", "");
  FileTree t3 = flatten({l1.tar(), l2.tar(), l3.tar()});
  CHECK_FALSE(has(t3, "a/new"));
}

TEST_CASE("an opaque directory keeps its siblings from the same layer") {
  LayerBuilder l1;
  l1.dir("d").file("d/old", "1").dir("d/sub").file("d/sub/old2", "2").file("other", "o");
  LayerBuilder l2;
  l2.dir("d", 0700).file("d/before", "b").dir("d/sub").file("d/.wh..wh..opq", "");
  l2.file("d/after", "a");
  FileTree t = flatten({l1.tar(Compression::Gzip), l2.tar(Compression::Gzip)});
  CHECK_FALSE(has(t, "d/old"));
  CHECK_FALSE(has(t, "d/sub/old2"));
  CHECK(has(t, "d/sub"));  // re-created by this layer
  CHECK(contents(t, "d/before") == "b");
  CHECK(contents(t, "d/after") == "a");
  CHECK(contents(t, "other") == "o");
  CHECK(t.find("d")->mode == 0700);
  CHECK_FALSE(has(t, "d/.wh..wh..opq"));
}

TEST_CASE("hard links share contents and an inode") {
  LayerBuilder l1;
  l1.dir("bin").file("bin/gzip", "GZIP", 0755).hardlink("bin/gunzip", "bin/gzip");
  l1.hardlink("bin/zcat", "./bin/gunzip");
  FileTree t = flatten({l1.tar()});
  const Entry* a = t.find("bin/gzip");
  const Entry* b = t.find("bin/gunzip");
  const Entry* c = t.find("bin/zcat");
  REQUIRE((a && b && c));
  CHECK(a->inode > 0);
  CHECK(a->inode == b->inode);
  CHECK(a->inode == c->inode);
  CHECK(b->type == FileType::Regular);
  CHECK(b->mode == 0755);
  CHECK(contents(t, "bin/gunzip") == "GZIP");

  SECTION("a link whose target a later layer removes keeps the contents") {
    LayerBuilder l2;
    l2.file("bin/.wh.gzip", "");
    FileTree t2 = flatten({l1.tar(), l2.tar()});
    CHECK_FALSE(has(t2, "bin/gzip"));
    CHECK(contents(t2, "bin/gunzip") == "GZIP");
    CHECK(t2.find("bin/gunzip")->inode == t2.find("bin/zcat")->inode);
  }
  SECTION("a later layer rewriting the target breaks the link") {
    LayerBuilder l2;
    l2.file("bin/gzip", "NEW");
    FileTree t2 = flatten({l1.tar(), l2.tar()});
    CHECK(contents(t2, "bin/gzip") == "NEW");
    CHECK(contents(t2, "bin/gunzip") == "GZIP");
    CHECK(t2.find("bin/gzip")->inode != t2.find("bin/gunzip")->inode);
  }
  SECTION("a hard link to a target in a lower layer") {
    LayerBuilder l2;
    l2.hardlink("bin/zless", "bin/gzip");
    FileTree t2 = flatten({l1.tar(), l2.tar()});
    CHECK(t2.find("bin/zless")->inode == t2.find("bin/gzip")->inode);
    CHECK(t2.find("bin/zless")->layer == 1);
  }
}

TEST_CASE("a directory entry in a later layer replaces metadata and keeps children") {
  LayerBuilder l1;
  l1.dir("d", 0755).file("d/x", "x");
  LayerBuilder l2;
  l2.dir("d", 0700);
  l2.last().uid = 5;
  FileTree t = flatten({l1.tar(), l2.tar()});
  CHECK(t.find("d")->mode == 0700);
  CHECK(t.find("d")->uid == 5);
  CHECK(contents(t, "d/x") == "x");
}

TEST_CASE("a file replacing a directory removes its children") {
  LayerBuilder l1;
  l1.dir("d").file("d/x", "x").dir("d/e").file("d/e/y", "y").file("d-sibling", "s");
  LayerBuilder l2;
  l2.file("d", "now a file");
  FileTree t = flatten({l1.tar(), l2.tar()});
  CHECK(t.find("d")->type == FileType::Regular);
  CHECK(contents(t, "d") == "now a file");
  CHECK_FALSE(has(t, "d/x"));
  CHECK_FALSE(has(t, "d/e/y"));
  CHECK(has(t, "d-sibling"));

  LayerBuilder l3;
  l3.symlink("d-sibling", "d");
  FileTree t3 = flatten({l1.tar(), l2.tar(), l3.tar()});
  CHECK(t3.find("d-sibling")->type == FileType::Symlink);
}

TEST_CASE("missing parents are created as root-owned 0755 directories with a warning") {
  LayerBuilder l;
  l.file("a/b/c", "c");
  FileTree t = flatten({l.tar()});
  for (const char* p : {"a", "a/b"}) {
    const Entry* d = t.find(p);
    REQUIRE(d != nullptr);
    CHECK(d->type == FileType::Directory);
    CHECK(d->mode == 0755);
    CHECK(d->uid == 0);
  }
  REQUIRE(t.warnings.size() == 1);
  CHECK_THAT(t.warnings[0], Catch::Contains("layer 1") && Catch::Contains("a") &&
                                Catch::Contains("0755") && Catch::Contains("1 more"));

  SECTION("the directory entry coming later is not a duplicate") {
    LayerBuilder l2;
    l2.file("a/b/c", "c").dir("a/b", 0700).dir("a", 0711);
    FileTree t2 = flatten({l2.tar()});
    CHECK(t2.find("a")->mode == 0711);
    CHECK(t2.find("a/b")->mode == 0700);
    CHECK(has(t2, "a/b/c"));
    for (auto& w : t2.warnings)
      CHECK_THAT(w, !Catch::Contains("duplicate"));
  }
}

TEST_CASE("a duplicate entry in one layer: the later one wins, with a warning") {
  LayerBuilder l;
  l.file("f", "first").file("f", "second");
  FileTree t = flatten({l.tar()});
  CHECK(contents(t, "f") == "second");
  REQUIRE(t.warnings.size() == 1);
  CHECK_THAT(t.warnings[0], Catch::Contains("duplicate") && Catch::Contains("f"));
}

TEST_CASE("symlinks in a flattened tree resolve inside it") {
  LayerBuilder l;
  l.dir("usr").dir("usr/lib").file("usr/lib/libz.so.1", "ELF").symlink("lib", "usr/lib");
  l.symlink("usr/lib/libz.so", "libz.so.1").symlink("evil", "../../../../usr/lib/libz.so");
  FileTree t = flatten({l.tar()});
  CHECK(t.resolve("/lib/libz.so") == "usr/lib/libz.so.1");
  CHECK(t.resolve("evil") == "usr/lib/libz.so.1");
  CHECK(t.read("lib/libz.so", 100) == "ELF");
}

TEST_CASE("without keep_contents only metadata is kept") {
  LayerBuilder l;
  l.file("f", std::string(100000, 'x'));
  FlattenOptions o;
  o.keep_contents = false;
  FileTree t = flatten({l.tar(Compression::Gzip)}, o);
  CHECK_FALSE(t.has_contents());
  CHECK(t.find("f")->size == 100000);
  CHECK(t.find("f")->content == kNoContent);
  CHECK_THROWS_WITH(t.open(*t.find("f")), Catch::Contains("without file contents"));
}

TEST_CASE("large and sparse-free contents round trip through the spool file") {
  std::string big;
  for (int i = 0; i < 3 << 20; ++i)
    big += static_cast<char>(i * 7 % 251);
  LayerBuilder l;
  l.file("big", big).file("empty", "").file("small", "s");
  FileTree t = flatten({l.tar(Compression::Zstd)});
  CHECK(t.read(*t.find("big"), 4 << 20) == big);
  CHECK(contents(t, "empty").empty());
  CHECK(contents(t, "small") == "s");
}

TEST_CASE("the rest of the layer stream is read, so its digest is checked") {
  LayerBuilder l;
  l.file("f", "data");
  std::string bytes = l.tar() + std::string(8192, '\0');  // record padding after the end
  Digest right = sha256_of(bytes);

  SECTION("every byte is consumed") {
    StringReader raw(bytes);
    CountingReader counted(raw);
    Flattener f;
    f.apply(counted, "layer 1");
    CHECK(counted.count() == bytes.size());
  }
  SECTION("a good digest passes") {
    VerifyingReader in(std::make_unique<StringReader>(bytes), right,
                       static_cast<int64_t>(bytes.size()), "blob x");
    Flattener f;
    CHECK_NOTHROW(f.apply(in, "layer 1"));
  }
  SECTION("a bad digest in the padding is an error") {
    std::string tampered = bytes;
    tampered.back() = 'x';
    VerifyingReader in(std::make_unique<StringReader>(tampered), right,
                       static_cast<int64_t>(bytes.size()), "blob x");
    Flattener f;
    CHECK_THROWS_WITH(f.apply(in, "layer 1"),
                      Catch::Contains("layer 1") && Catch::Contains("digest mismatch"));
  }
  SECTION("in gzip too") {
    std::string gz = l.tar(Compression::Gzip);
    VerifyingReader in(std::make_unique<StringReader>(gz), sha256_of(gz + "x"),
                       static_cast<int64_t>(gz.size()), "blob x");
    Flattener f;
    CHECK_THROWS_WITH(f.apply(in, "layer 1"), Catch::Contains("digest mismatch"));
  }
}

TEST_CASE("an empty layer is allowed") {
  FileTree t = flatten({"", LayerBuilder().tar(Compression::Gzip)});
  CHECK(t.size() == 1);
}

TEST_CASE("a whiteout of a lower directory keeps entries this layer put below it") {
  LayerBuilder l1;
  l1.dir("d").file("d/old", "o");
  LayerBuilder l2;
  l2.file("d/new", "n").file(".wh.d", "");
  FileTree t = flatten({l1.tar(), l2.tar()});
  CHECK_FALSE(has(t, "d/old"));
  CHECK(contents(t, "d/new") == "n");
  REQUIRE(has(t, "d"));
  CHECK(t.find("d")->type == FileType::Directory);
  CHECK(t.find("d")->layer == 1);
}

TEST_CASE("a file where a later entry needs a directory becomes a directory, with a warning") {
  LayerBuilder l1;
  l1.file("x", "file");
  LayerBuilder l2;
  l2.file("x/y", "y");
  FileTree t = flatten({l1.tar(), l2.tar()});
  CHECK(t.find("x")->type == FileType::Directory);
  CHECK(contents(t, "x/y") == "y");
  REQUIRE(t.warnings.size() == 1);
  CHECK_THAT(t.warnings[0], Catch::Contains("layer 2") && Catch::Contains("parent was a file"));
}

TEST_CASE("aufs bookkeeping entries are ignored") {
  LayerBuilder l;
  l.dir(".wh..wh.plnk").file(".wh..wh.plnk/1.2", "x").file(".wh..wh.aufs", "").file("f", "f");
  l.file("d/.wh..wh.orph/x", "");
  FileTree t = flatten({l.tar()});
  CHECK(t.size() == 2);  // the root and f
}

TEST_CASE("content keys name a file by the layers up to its own and its path") {
  LayerBuilder base, app;
  base.dir("usr").file("usr/a", "alpha").file("usr/b", "beta").file("usr/empty", "");
  app.file("usr/b", "BETA").hardlink("usr/c", "usr/b");
  auto flatten_with = [&](const std::vector<std::string>& digests) {
    Flattener f;
    std::vector<std::string> layers = {base.tar(), app.tar()};
    for (size_t i = 0; i < layers.size(); ++i) {
      StringReader in(layers[i]);
      f.apply(in, "layer", i < digests.size() ? digests[i] : "");
    }
    return f.finish();
  };
  FileTree t = flatten_with({"sha256:1111", "sha256:2222"});
  auto a = t.content_key("usr/a"), b = t.content_key("usr/b"), c = t.content_key("usr/c");
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(*a != *b);
  CHECK(*b != *c);
  CHECK(!t.content_key("usr"));          // not a file
  CHECK(!t.content_key("usr/missing"));  // not there
  // The same layers give the same keys; another base layer changes the upper layer's too.
  FileTree same = flatten_with({"sha256:1111", "sha256:2222"});
  CHECK(same.content_key("usr/b") == b);
  FileTree other = flatten_with({"sha256:9999", "sha256:2222"});
  CHECK(other.content_key("usr/b") != b);
  CHECK(other.content_key("usr/a") != a);
  // A layer without a digest: no keys from it on.
  FileTree unknown = flatten_with({"sha256:1111"});
  CHECK(unknown.content_key("usr/a") == a);
  CHECK(!unknown.content_key("usr/b"));
  // Bytes written after flattening (a rewritten package database) have no key.
  Entry e = *t.find("usr/a");
  e.content = t.contents()->append(std::string_view("changed"));
  e.size = 7;
  t.insert(e);
  CHECK(!t.content_key("usr/a"));
  CHECK(t.read_head("usr/b", 2) == "BE");
  CHECK(t.read_head("usr/b", 100) == "BETA");
  CHECK(!t.read_head("usr", 2));
}
