// Layers made to hurt: every case is an Error naming the layer and entry, or a warning.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "fs/flatten.h"
#include "unit/fs/layer_builder.h"

using namespace imgstrip;
using imgstrip::test::LayerBuilder;
using imgstrip::test::raw_header;
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

class ThrowingReader : public ReadStream {
 public:
  explicit ThrowingReader(std::string head) : head_(std::move(head)) {}
  size_t read(void* buf, size_t n) override {
    if (head_.empty()) throw Error("connection reset by peer");
    size_t take = std::min(n, head_.size());
    std::memcpy(buf, head_.data(), take);
    head_.erase(0, take);
    return take;
  }

 private:
  std::string head_;
};

}  // namespace

TEST_CASE("a .. component is an error naming the layer and entry") {
  LayerBuilder l;
  l.file("ok", "").file("usr/../../etc/passwd", "root::0:0");
  CHECK_THROWS_WITH(flatten({l.tar()}), Catch::Contains("layer 1") &&
                                            Catch::Contains("usr/../../etc/passwd") &&
                                            Catch::Contains(".."));
}

TEST_CASE("an absolute path is made relative with a warning") {
  LayerBuilder l;
  l.dir("/etc").file("/etc/passwd", "root").file("/etc/group", "g");
  FileTree t = flatten({l.tar()});
  REQUIRE(t.find("etc/passwd") != nullptr);
  REQUIRE(t.warnings.size() == 1);
  CHECK_THAT(t.warnings[0],
             Catch::Contains("absolute") && Catch::Contains("/etc") && Catch::Contains("2 more"));
}

TEST_CASE("an entry below a symlink is an error") {
  SECTION("symlink from a lower layer") {
    LayerBuilder l1;
    l1.symlink("lib", "/etc");
    LayerBuilder l2;
    l2.file("lib/cron.d/evil", "* * * * * root sh");
    CHECK_THROWS_WITH(flatten({l1.tar(), l2.tar()}),
                      Catch::Contains("layer 2") && Catch::Contains("lib/cron.d/evil") &&
                          Catch::Contains("would escape via symlinked parent"));
  }
  SECTION("symlink earlier in the same layer") {
    LayerBuilder l;
    l.symlink("x", "../../../root").file("x/.ssh/authorized_keys", "key");
    CHECK_THROWS_WITH(flatten({l.tar()}), Catch::Contains("symlinked parent"));
  }
  SECTION("a whiteout below a symlink") {
    LayerBuilder l1;
    l1.symlink("x", "/etc");
    LayerBuilder l2;
    l2.file("x/.wh.passwd", "");
    CHECK_THROWS_WITH(flatten({l1.tar(), l2.tar()}), Catch::Contains("symlinked parent"));
  }
  SECTION("a directory replacing the symlink first is fine") {
    LayerBuilder l1;
    l1.symlink("x", "/etc");
    LayerBuilder l2;
    l2.dir("x").file("x/f", "f");
    FileTree t = flatten({l1.tar(), l2.tar()});
    CHECK(t.find("x")->type == FileType::Directory);
    CHECK(t.find("x/f") != nullptr);
  }
}

TEST_CASE("bad hard links are errors") {
  SECTION("target with ..") {
    LayerBuilder l;
    l.file("a", "").hardlink("b", "../etc/shadow");
    CHECK_THROWS_WITH(flatten({l.tar()}),
                      Catch::Contains("layer 1") && Catch::Contains("hard link target"));
  }
  SECTION("missing target") {
    LayerBuilder l;
    l.hardlink("b", "nothing/here");
    CHECK_THROWS_WITH(flatten({l.tar()}),
                      Catch::Contains("\"b\"") && Catch::Contains("does not exist"));
  }
  SECTION("target only reachable through a symlink") {
    LayerBuilder l;
    l.dir("etc").file("etc/shadow", "s").symlink("e", "etc").hardlink("b", "e/shadow");
    CHECK_THROWS_WITH(flatten({l.tar()}), Catch::Contains("does not exist"));
  }
  SECTION("target is a directory") {
    LayerBuilder l;
    l.dir("d").hardlink("b", "d");
    CHECK_THROWS_WITH(flatten({l.tar()}), Catch::Contains("directory"));
  }
}

TEST_CASE("a tar header claiming a huge size") {
  std::string tar = raw_header("big", uint64_t{1} << 40, "only a few bytes");
  CHECK_THROWS_WITH(flatten({tar}), Catch::Contains("layer 1") && Catch::Contains("big") &&
                                        Catch::Contains("absurd size"));
  FlattenOptions small;
  small.max_file_size = 1000;
  LayerBuilder l;
  l.file("f", std::string(1001, 'x'));
  CHECK_THROWS_WITH(flatten({l.tar()}, small), Catch::Contains("absurd size"));
  small.max_file_size = 1 << 20;
  CHECK_THROWS_WITH(flatten({raw_header("lie", 1 << 19, "short")}, small),
                    Catch::Contains("layer 1") && Catch::Contains("lie"));
}

TEST_CASE("too many entries, too long paths") {
  LayerBuilder l;
  l.file("a", "").file("b", "").file("c", "");
  FlattenOptions o;
  o.max_entries = 4;
  CHECK_NOTHROW(flatten({l.tar()}, o));
  CHECK_THROWS_WITH(flatten({l.tar(), l.tar()}, o),
                    Catch::Contains("layer 2") && Catch::Contains("more than 4 entries"));

  LayerBuilder deep;
  deep.file(std::string(60, 'p'), "");
  o.max_path_length = 50;
  CHECK_THROWS_WITH(flatten({deep.tar()}, o),
                    Catch::Contains("longer") || Catch::Contains("limit of 50"));
}

TEST_CASE("truncated and corrupt layers are errors with libarchive's message") {
  std::string noise;
  for (int i = 0; i < 200000; ++i)
    noise += static_cast<char>((i * 2654435761u) >> 13);
  LayerBuilder l;
  l.file("noise", noise).file("after", "x");

  SECTION("truncated gzip") {
    std::string gz = l.tar(Compression::Gzip);
    gz.resize(gz.size() / 2);
    CHECK_THROWS_WITH(flatten({gz}), Catch::Contains("layer 1") && Catch::Contains("truncated"));
  }
  SECTION("truncated zstd") {
    std::string zst = l.tar(Compression::Zstd);
    zst.resize(zst.size() / 2);
    CHECK_THROWS_WITH(flatten({zst}), Catch::Contains("layer 1"));
  }
  SECTION("truncated plain tar") {
    std::string tar = l.tar();
    tar.resize(100000);
    CHECK_THROWS_WITH(flatten({tar}), Catch::Contains("layer 1") && Catch::Contains("noise"));
  }
  SECTION("not an archive") {
    CHECK_THROWS_WITH(flatten({noise}), Catch::Contains("layer 1"));
  }
  SECTION("corrupt gzip body") {
    std::string gz = l.tar(Compression::Gzip);
    for (size_t i = 100; i < gz.size() - 100; i += 97)
      gz[i] = static_cast<char>(~gz[i]);
    CHECK_THROWS_AS(flatten({gz}), Error);
  }
  SECTION("every prefix of a small gzip layer fails cleanly or succeeds") {
    LayerBuilder s;
    s.dir("d").file("d/f", "hello").symlink("d/l", "f");
    std::string gz = s.tar(Compression::Gzip);
    for (size_t n = 0; n < gz.size(); ++n) {
      try {
        flatten({gz.substr(0, n)});
      } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("layer 1"));
      }
    }
  }
  SECTION("a failing stream") {
    std::string gz = l.tar(Compression::Gzip);
    ThrowingReader in(gz.substr(0, gz.size() / 3));
    Flattener f;
    CHECK_THROWS_WITH(f.apply(in, "layer 7"),
                      Catch::Contains("layer 7") && Catch::Contains("connection reset by peer"));
  }
}

TEST_CASE("the root cannot be replaced by a file") {
  LayerBuilder l;
  l.file(".", "x");
  CHECK_THROWS_WITH(flatten({l.tar()}), Catch::Contains("root"));
  LayerBuilder d;
  d.dir("./", 0700);
  CHECK(flatten({d.tar()}).find("")->mode == 0700);
}
