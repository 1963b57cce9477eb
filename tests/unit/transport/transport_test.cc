#include <catch2/catch.hpp>

#include <filesystem>

#include "archive/archive.h"
#include "archive/tar_members.h"
#include "core/error.h"
#include "core/tempdir.h"
#include "image/copy.h"
#include "layout/layout.h"
#include "oci/media_types.h"
#include "transport/transport.h"

using namespace imgstrip;

TEST_CASE("transport names") {
  auto reg = Location::parse("docker://nginx");
  CHECK(reg.kind == Location::Kind::Registry);
  CHECK(reg.reference->str() == "docker.io/library/nginx:latest");
  CHECK(Location::parse("127.0.0.1:5000/web:1").reference->registry == "127.0.0.1:5000");
  auto oci = Location::parse("oci:/tmp/x:v1");
  CHECK(oci.kind == Location::Kind::OciLayout);
  CHECK(oci.path == "/tmp/x");
  CHECK(oci.tag == "v1");
  CHECK(Location::parse("oci:rel/dir").tag.empty());
  auto arch = Location::parse("docker-archive:/tmp/a.tar:localhost/web:latest");
  CHECK(arch.kind == Location::Kind::DockerArchive);
  CHECK(arch.path == "/tmp/a.tar");
  CHECK(arch.reference->str() == "localhost/web:latest");
  CHECK_THROWS_AS(Location::parse("oci-archive:/tmp/x.tar"), UsageError);
  CHECK_THROWS_AS(Location::parse("oci:"), UsageError);
  CHECK_THROWS_AS(Location::parse("oci:dir:"), UsageError);
  CHECK_THROWS_AS(Location::parse("docker://"), UsageError);
}

namespace {

// A source holding one hand-made image in memory.
class MemorySource : public ImageSource {
 public:
  std::map<Digest, std::string> blobs;
  RawManifest top;
  std::string name() const override { return "memory"; }
  RawManifest root() override { return top; }
  RawManifest manifest(const Digest& d) override { return RawManifest::of("", blobs.at(d)); }
  std::unique_ptr<ReadStream> blob(const Descriptor& d) override {
    return std::make_unique<StringReader>(blobs.at(d.digest));
  }
};

MemorySource make_image(const std::string& layer) {
  MemorySource s;
  std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[")" +
      sha256_of(layer).str() + R"("]}})";
  s.blobs[sha256_of(layer)] = layer;
  s.blobs[sha256_of(config)] = config;
  Manifest m;
  m.media_type = std::string(media::kOciManifest);
  m.config = {
      std::string(media::kOciConfig), sha256_of(config), (int64_t)config.size(), {}, {}, {}};
  m.layers = {{std::string(media::kOciLayer), sha256_of(layer), (int64_t)layer.size(), {}, {}, {}}};
  s.top = RawManifest::of(m.media_type, m.serialize());
  return s;
}

}  // namespace

TEST_CASE("OCI layout sink and source round trip, tags kept apart") {
  TempDir dir;
  auto path = dir.path() / "layout";
  std::string layer(10240, '\0');  // an empty tar is 10240 zero bytes
  MemorySource one = make_image(layer);
  auto sink = open_layout_sink(path, "one");
  CopyResult r = copy_image(one, *sink, Platform::parse("linux/amd64"));
  CHECK(r.digest == one.top.digest);
  CHECK(std::filesystem::exists(path / "oci-layout"));

  std::string layer2(10240 * 2, '\0');
  MemorySource two = make_image(layer2);
  auto sink2 = open_layout_sink(path, "two");
  copy_image(two, *sink2, Platform::parse("linux/amd64"));

  auto src = open_layout_source(path, "one");
  CHECK(src->root().digest == one.top.digest);
  CHECK(open_layout_source(path, "two")->root().digest == two.top.digest);
  CHECK_THROWS_WITH(open_layout_source(path, "")->root(), Catch::Contains("holds 2 images"));
  CHECK_THROWS_WITH(open_layout_source(path, "three")->root(),
                    Catch::Contains("no image tagged \"three\""));

  // Re-tagging replaces the old entry instead of adding a second "one".
  auto again = open_layout_sink(path, "one");
  copy_image(two, *again, Platform::parse("linux/amd64"));
  CHECK(open_layout_source(path, "one")->root().digest == two.top.digest);
}

TEST_CASE("a corrupt blob is not stored and leaves no image behind") {
  TempDir dir;
  std::string layer(10240, '\0');
  MemorySource src = make_image(layer);
  src.blobs[sha256_of(layer)][100] = 'x';  // content no longer matches its digest
  auto sink = open_layout_sink(dir.path() / "out", "t");
  CHECK_THROWS_WITH(copy_image(src, *sink, Platform::parse("linux/amd64")),
                    Catch::Contains("digest mismatch"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out" / "index.json"));
  CHECK_FALSE(
      std::filesystem::exists(dir.path() / "out" / "blobs" / "sha256" / sha256_of(layer).hex));
}

TEST_CASE("the combined archive: an OCI layout and manifest.json over the same blobs") {
  TempDir dir;
  std::string layer(10240, '\0');
  MemorySource image = make_image(layer);
  auto ref = Reference::parse("web:1");
  auto sink = open_archive_sink(dir.path() / "c.tar", ref, ArchiveFormat::Combined);
  CopyResult r = copy_image(image, *sink, Platform::parse("linux/amd64"));
  TarMembers tar(dir.path() / "c.tar");
  for (const char* member : {"oci-layout", "index.json", "manifest.json"})
    CHECK(tar.contains(member));
  Json list = Json::parse(tar.read("manifest.json", 1 << 20));
  CHECK(list[0]["RepoTags"] == Json::array({"web:1"}));
  CHECK(list[0]["Config"] == "blobs/sha256/" + r.digest.hex);  // the archive sink's ID
  CHECK(list[0]["Layers"][0] == "blobs/sha256/" + sha256_of(layer).hex);
  Json index = Json::parse(tar.read("index.json", 1 << 20));
  CHECK(index["manifests"][0]["annotations"]["io.containerd.image.name"] ==
        "docker.io/library/web:1");

  // The reader takes it back through manifest.json (the OCI-in-tar form alone is
  // test_foundation.sh's oci-in-tar.tar).
  auto back = open_archive_source(dir.path() / "c.tar", std::nullopt);
  Manifest m = Manifest::parse(back->root().bytes, media::kDockerManifest, "test");
  CHECK(m.config.digest == r.digest);
  CHECK(m.layers[0].digest == sha256_of(layer));
}
