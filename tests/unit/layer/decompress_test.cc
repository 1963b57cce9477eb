#include "layer/decompress.h"

#include <catch2/catch.hpp>

#include "core/error.h"
#include "unit/fs/layer_builder.h"

using namespace imgstrip;
using imgstrip::test::LayerBuilder;
using media::Compression;

namespace {

std::string run(std::string bytes) {
  auto in = decompress(std::make_unique<StringReader>(std::move(bytes)));
  return read_all(*in, 1 << 30, "test");
}

}  // namespace

TEST_CASE("decompress detects gzip, zstd and plain input") {
  LayerBuilder b;
  b.file("f", std::string(500000, 'q')).file("g", "x");
  std::string tar = b.tar();
  CHECK(run(b.tar(Compression::Gzip)) == tar);
  CHECK(run(b.tar(Compression::Zstd)) == tar);
  CHECK(run(tar) == tar);
  CHECK(run("hello") == "hello");
  CHECK(run("").empty());
}

TEST_CASE("decompress reads its input to the end") {
  LayerBuilder b;
  b.file("f", "data");
  std::string gz = b.tar(Compression::Gzip);
  auto owned = std::make_unique<StringReader>(gz);
  auto counted = std::make_unique<CountingReader>(*owned);
  CountingReader* count = counted.get();
  auto in = decompress(std::move(counted));
  drain(*in);
  CHECK(count->count() == gz.size());
}

TEST_CASE("a truncated stream is an error") {
  std::string noise;
  for (int i = 0; i < 100000; ++i)
    noise += static_cast<char>((i * 2654435761u) >> 13);
  LayerBuilder b;
  b.file("f", noise);
  std::string gz = b.tar(Compression::Gzip);
  CHECK_THROWS_AS(run(gz.substr(0, gz.size() / 2)), Error);
  std::string zst = b.tar(Compression::Zstd);
  CHECK_THROWS_AS(run(zst.substr(0, zst.size() / 2)), Error);
}
