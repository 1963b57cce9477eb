#include "layer/writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/tempdir.h"
#include "fs/flatten.h"
#include "layer/decompress.h"
#include "oci/digest.h"
#include "unit/fs/layer_builder.h"

using namespace imgstrip;
using imgstrip::test::LayerBuilder;
using media::Compression;

namespace {

FileTree flatten_bytes(const std::string& layer) {
  Flattener f;
  StringReader in(layer);
  f.apply(in, "layer 1");
  return f.finish();
}

std::string uncompressed(const std::filesystem::path& file) {
  auto in = decompress(std::make_unique<FileReader>(file));
  return read_all(*in, 1 << 30, file.string());
}

// path -> hard link target ("" when not a hard link), in archive order.
std::vector<std::pair<std::string, std::string>> members(const std::string& tar) {
  std::vector<std::pair<std::string, std::string>> out;
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_open_memory(a, tar.data(), tar.size());
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    const char* link = archive_entry_hardlink(e);
    out.emplace_back(archive_entry_pathname(e), link ? link : "");
  }
  archive_read_free(a);
  return out;
}

LayerBuilder sample() {
  LayerBuilder b;
  b.dir("usr", 0755).dir("usr/bin", 0711);
  b.last().uid = 3;
  b.file("usr/bin/tool", "#!/bin/sh\necho hi\n", 0755);
  b.last().mtime = 2000000000;
  b.last().uname = "bin";
  b.last().gname = "bin";
  b.last().uid = 2;
  b.last().gid = 2;
  b.last().xattrs = {{"security.capability", std::string("\x01\x00\x00\x02\x00\x20", 6)},
                     {"user.note", "yes"}};
  b.hardlink("usr/bin/tool2", "usr/bin/tool");
  b.hardlink("usr/bin/tool3", "usr/bin/tool");
  b.symlink("usr/bin/t", "tool");
  b.device("dev/null", FileType::CharDevice, 1, 3);
  b.fifo("run/initctl");
  b.file("etc/caf\xc3\xa9", "utf-8 name");
  b.file("etc/big", std::string(3 << 20, 'b'));
  b.file("etc/empty", "");
  b.file("etc/setuid", "s", 04755);
  return b;
}

std::set<std::string> all_paths(const FileTree& t) {
  std::set<std::string> out;
  for (const auto& [path, e] : t.entries()) {
    if (!path.empty()) out.insert(path);
  }
  return out;
}

}  // namespace

TEST_CASE("digest and diff_id match the written bytes, gzip and zstd") {
  TempDir dir;
  FileTree tree = flatten_bytes(sample().tar());
  for (auto c : {Compression::Gzip, Compression::Zstd, Compression::None}) {
    LayerOptions o;
    o.compression = c;
    auto out = dir.path() / "layer";
    WrittenLayer w = write_layer(tree, all_paths(tree), out, o);
    std::string blob = read_file(out, 1 << 30);
    std::string tar = uncompressed(out);
    CHECK(w.path == out);
    CHECK(w.descriptor.digest == sha256_of(blob));
    CHECK(w.descriptor.size == static_cast<int64_t>(blob.size()));
    CHECK(w.diff_id == sha256_of(tar));
    CHECK(w.uncompressed_size == tar.size());
    CHECK(w.entries == tree.size() - 1);
    CHECK(w.descriptor.media_type == media::layer_type(c, false));
    if (c == Compression::Gzip) {
      CHECK(w.descriptor.media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
      // gzip header: magic, deflate, no flags (no name), mtime 0.
      CHECK(blob.substr(0, 8) == std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
    }
    if (c == Compression::Zstd) {
      CHECK(w.descriptor.media_type == "application/vnd.oci.image.layer.v1.tar+zstd");
      CHECK(blob.substr(0, 4) == "\x28\xb5\x2f\xfd");
    }
    if (c == Compression::None) CHECK(w.diff_id == w.descriptor.digest);
    CHECK(tar.find("PaxHeaders.") == std::string::npos);  // GNU style with a pid
    CHECK(tar.find("atime") == std::string::npos);
    CHECK(tar.find("ctime") == std::string::npos);
    CHECK(tar.find("LIBARCHIVE.") == std::string::npos);
  }
}

TEST_CASE("the same input gives byte-identical output") {
  TempDir dir;
  FileTree tree = flatten_bytes(sample().tar(Compression::Gzip));
  for (auto c : {Compression::Gzip, Compression::Zstd}) {
    LayerOptions o;
    o.compression = c;
    o.timestamp = 1700000000;
    auto a = write_layer(tree, all_paths(tree), dir.path() / "a", o);
    FileTree again = flatten_bytes(sample().tar());
    auto b = write_layer(again, all_paths(again), dir.path() / "b", o);
    CHECK(read_file(dir.path() / "a", 1 << 30) == read_file(dir.path() / "b", 1 << 30));
    CHECK(a.descriptor.digest == b.descriptor.digest);
    CHECK(a.diff_id == b.diff_id);
  }
}

TEST_CASE("a written layer flattens back to the same tree") {
  TempDir dir;
  FileTree tree = flatten_bytes(sample().tar());
  write_layer(tree, all_paths(tree), dir.path() / "l", {});
  FileTree back = flatten_bytes(read_file(dir.path() / "l", 1 << 30));
  REQUIRE(back.size() == tree.size());
  CHECK(back.warnings.empty());
  for (const auto& [path, e] : tree.entries()) {
    const Entry* b = back.find(path);
    REQUIRE(b != nullptr);
    INFO(path);
    CHECK(b->type == e.type);
    CHECK(b->mode == e.mode);
    CHECK(b->uid == e.uid);
    CHECK(b->gid == e.gid);
    CHECK(b->uname == e.uname);
    CHECK(b->gname == e.gname);
    CHECK(b->size == e.size);
    CHECK(b->link == e.link);
    CHECK(b->dev_major == e.dev_major);
    CHECK(b->dev_minor == e.dev_minor);
    CHECK(b->xattrs == e.xattrs);
    CHECK((b->inode > 0) == (e.inode > 0));
    if (!path.empty()) CHECK(b->mtime == e.mtime);
    if (e.type == FileType::Regular) CHECK(back.read(*b, 4 << 20) == tree.read(e, 4 << 20));
  }
  CHECK(back.find("usr/bin/tool")->inode == back.find("usr/bin/tool3")->inode);
  CHECK(back.find("etc/caf\xc3\xa9") != nullptr);
}

TEST_CASE("hard links stay hard links to the first selected member") {
  TempDir dir;
  FileTree tree = flatten_bytes(sample().tar());
  LayerOptions o;
  o.compression = Compression::None;

  write_layer(tree, {"usr/bin/tool", "usr/bin/tool2", "usr/bin/tool3"}, dir.path() / "all", o);
  auto m = members(read_file(dir.path() / "all", 1 << 30));
  REQUIRE(m.size() == 5);  // usr/, usr/bin/, three files
  CHECK(m[2] == std::pair<std::string, std::string>{"usr/bin/tool", ""});
  CHECK(m[3] == std::pair<std::string, std::string>{"usr/bin/tool2", "usr/bin/tool"});
  CHECK(m[4] == std::pair<std::string, std::string>{"usr/bin/tool3", "usr/bin/tool"});

  SECTION("the group's first member not selected: the next one has the contents") {
    write_layer(tree, {"usr/bin/tool2", "usr/bin/tool3"}, dir.path() / "some", o);
    std::string tar = read_file(dir.path() / "some", 1 << 30);
    auto m2 = members(tar);
    REQUIRE(m2.size() == 4);
    CHECK(m2[2] == std::pair<std::string, std::string>{"usr/bin/tool2", ""});
    CHECK(m2[3] == std::pair<std::string, std::string>{"usr/bin/tool3", "usr/bin/tool2"});
    FileTree back = flatten_bytes(tar);
    CHECK(back.read(*back.find("usr/bin/tool3"), 100) == "#!/bin/sh\necho hi\n");
  }
}

TEST_CASE("parents are added from the tree, or as root 0755 directories") {
  TempDir dir;
  FileTree tree = flatten_bytes(sample().tar());
  Entry orphan;
  orphan.path = "opt/app/data";
  orphan.mode = 0600;
  tree.insert(orphan);  // opt and opt/app are not in the tree
  LayerOptions o;
  o.compression = Compression::None;
  auto w = write_layer(tree, {"usr/bin/t", "opt/app/data"}, dir.path() / "l", o);
  CHECK(w.entries == 6);  // usr, usr/bin, usr/bin/t, opt, opt/app, opt/app/data
  FileTree back = flatten_bytes(read_file(dir.path() / "l", 1 << 30));
  CHECK(back.warnings.empty());
  CHECK(back.find("usr/bin")->mode == 0711);
  CHECK(back.find("usr/bin")->uid == 3);
  CHECK(back.find("opt/app")->mode == 0755);
  CHECK(back.find("opt/app")->uid == 0);
  CHECK(back.find("usr/bin/t")->link == "tool");
  CHECK(back.find("usr/bin/tool") == nullptr);
}

TEST_CASE("mtimes are clamped to the timestamp") {
  TempDir dir;
  FileTree tree = flatten_bytes(sample().tar());
  LayerOptions o;
  o.timestamp = 1500;
  write_layer(tree, all_paths(tree), dir.path() / "l", o);
  FileTree back = flatten_bytes(read_file(dir.path() / "l", 1 << 30));
  CHECK(back.find("usr/bin/tool")->mtime == 1500);  // was 2000000000
  CHECK(back.find("etc/big")->mtime == 1000);       // older stays
}

TEST_CASE("errors: a path not in the tree, a bad level") {
  TempDir dir;
  FileTree tree = flatten_bytes(sample().tar());
  CHECK_THROWS_WITH(write_layer(tree, {"nope"}, dir.path() / "l"),
                    Catch::Contains("nope") && Catch::Contains("not in the image"));
  LayerOptions o;
  o.level = 42;
  CHECK_THROWS_WITH(write_layer(tree, {"etc/big"}, dir.path() / "l", o),
                    Catch::Contains("level 42"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "l"));
  CHECK_THROWS_AS(write_layer(tree, {"etc/big"}, dir.path() / "no/such/dir/l"), Error);
}

TEST_CASE("SOURCE_DATE_EPOCH") {
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  CHECK(source_date_epoch() == 1700000000);
  ::setenv("SOURCE_DATE_EPOCH", "17x", 1);
  CHECK_FALSE(source_date_epoch());
  ::setenv("SOURCE_DATE_EPOCH", "", 1);
  CHECK_FALSE(source_date_epoch());
  ::unsetenv("SOURCE_DATE_EPOCH");
  CHECK_FALSE(source_date_epoch());
}
