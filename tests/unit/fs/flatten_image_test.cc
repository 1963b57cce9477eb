#include <catch2/catch.hpp>

#include "core/error.h"
#include "fs/flatten.h"
#include "oci/digest.h"
#include "unit/fs/layer_builder.h"

using namespace imgstrip;
using imgstrip::test::LayerBuilder;

namespace {

// An image source whose blobs live in memory.
class MemorySource : public ImageSource {
 public:
  std::string name() const override { return "memory:test"; }
  RawManifest root() override { throw Error("no manifest"); }
  RawManifest manifest(const Digest&) override { throw Error("no manifest"); }
  std::unique_ptr<ReadStream> blob(const Descriptor& d) override {
    return std::make_unique<StringReader>(blobs.at(d.digest.str()));
  }
  Descriptor add(std::string bytes) {
    Descriptor d;
    d.media_type = media::kOciLayerGzip;
    d.digest = sha256_of(bytes);
    d.size = static_cast<int64_t>(bytes.size());
    blobs[d.digest.str()] = std::move(bytes);
    return d;
  }
  std::map<std::string, std::string> blobs;
};

}  // namespace

TEST_CASE("flatten_image applies every layer in order, verified") {
  MemorySource source;
  Image image;
  LayerBuilder l1;
  l1.dir("etc").file("etc/a", "1").file("etc/b", "2");
  LayerBuilder l2;
  l2.file("etc/.wh.a", "").file("etc/b", "two");
  image.manifest.layers.push_back(source.add(l1.tar(media::Compression::Gzip)));
  image.manifest.layers.push_back(source.add(l2.tar(media::Compression::Zstd)));

  FileTree t = flatten_image(source, image);
  CHECK(t.find("etc/a") == nullptr);
  CHECK(t.read(*t.find("etc/b"), 10) == "two");
  CHECK(t.find("etc/b")->layer == 1);

  SECTION("a tampered blob is an error naming the layer") {
    auto& bytes = source.blobs[image.manifest.layers[1].digest.str()];
    LayerBuilder evil;
    evil.file("etc/b", "EVIL");
    bytes = evil.tar(media::Compression::Zstd);
    image.manifest.layers[1].size = static_cast<int64_t>(bytes.size());
    std::string short_hex = image.manifest.layers[1].digest.hex.substr(0, 12);
    CHECK_THROWS_WITH(
        flatten_image(source, image),
        Catch::Contains("layer 2/2 (sha256:" + short_hex) && Catch::Contains("digest mismatch"));
  }
}
