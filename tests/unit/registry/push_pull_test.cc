// Round trips through a real docker-registry over plain HTTP.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "fixture.h"
#include "image/copy.h"
#include "image/image.h"
#include "oci/reference.h"
#include "registry/registry.h"

using namespace imgstrip;
using test::insecure;
using test::make_image;
using test::push_image;

namespace {

std::unique_ptr<ImageSource> source(const std::string& ref, const RegistryOptions& o = insecure()) {
  return open_registry_source(Reference::parse(ref), o);
}

std::string read_layer(ImageSource& src, const Descriptor& d) {
  auto in = open_blob(src, d);
  return read_all(*in, 64 << 20, "layer");
}

}  // namespace

TEST_CASE("push an image and pull it back over plain HTTP") {
  test::Registry reg;
  auto img = make_image("plain", "amd64", 300 << 10);
  std::string ref = reg.host() + "/plain/app:v1";
  Digest pushed = push_image(img, ref, insecure());
  CHECK(pushed == img.raw.digest);

  auto src = source(ref);
  CHECK(src->name() == "docker://" + ref);
  RawManifest root = src->root();
  CHECK(root.digest == img.raw.digest);
  CHECK(root.bytes == img.raw.bytes);
  CHECK(root.media_type == img.raw.media_type);

  Image loaded = load_image(*src, Platform::parse("linux/amd64"));
  CHECK(loaded.config_bytes == img.config);
  REQUIRE(loaded.manifest.layers.size() == 2);
  for (size_t i = 0; i < 2; ++i)
    CHECK(read_layer(*src, loaded.manifest.layers[i]) == img.layers[i]);

  SECTION("by digest") {
    auto by_digest = source(reg.host() + "/plain/app@" + pushed.str());
    CHECK(by_digest->root().bytes == img.raw.bytes);
    CHECK(by_digest->manifest(pushed).digest == pushed);
  }
  SECTION("prefetched in parallel, with progress") {
    RegistryOptions o = insecure();
    o.jobs = 4;
    std::vector<TransferProgress> seen;
    o.on_progress = [&](const TransferProgress& p) { seen.push_back(p); };
    auto s = source(ref, o);
    Image l = load_image(*s, Platform::parse("linux/amd64"));
    s->prefetch(l.manifest.layers);
    for (size_t i = 0; i < 2; ++i)
      CHECK(read_layer(*s, l.manifest.layers[i]) == img.layers[i]);
    bool finished_big = false;
    for (auto& p : seen) {
      finished_big |= p.finished && p.blob == l.manifest.layers[1].digest &&
                      p.done == img.layers[1].size() && p.total == int64_t(img.layers[1].size());
    }
    CHECK(finished_big);
  }
  SECTION("pushing again skips existing blobs") {
    auto sink = open_registry_sink(Reference::parse(reg.host() + "/plain/app:v2"), insecure());
    CHECK(sink->has_blob(img.manifest.layers[0]));
    CHECK(sink->has_blob(img.manifest.config));
    CHECK(push_image(img, reg.host() + "/plain/app:v2", insecure()) == pushed);
  }
}

TEST_CASE("Docker schema 2 manifests keep their media type") {
  test::Registry reg;
  auto img = make_image("docker", "amd64", 0, true);
  std::string ref = reg.host() + "/dock:1";
  auto sink = open_registry_sink(Reference::parse(ref), insecure());
  sink->put_blob(img.manifest.config, [&] { return std::make_unique<StringReader>(img.config); });
  sink->put_blob(img.manifest.layers[0],
                 [&] { return std::make_unique<StringReader>(img.layers[0]); });
  sink->put_manifest(img.raw);
  CHECK(sink->commit() == img.raw.digest);
  RawManifest root = source(ref)->root();
  CHECK(root.media_type == media::kDockerManifest);
  CHECK(root.digest == img.raw.digest);
}

TEST_CASE("large blobs go up in chunks") {
  test::Registry reg;
  test::FaultProxy proxy(reg.port());
  RegistryOptions o = insecure();
  o.chunk_threshold = 1 << 20;
  o.chunk_size = 256 << 10;
  auto img = make_image("chunky", "amd64", (3 << 20) + 12345);
  std::string ref = proxy.host() + "/chunky:1";
  push_image(img, ref, o);
  CHECK(proxy.count("PATCH ") >= 12);
  auto src = source(ref);
  Image l = load_image(*src, Platform::parse("linux/amd64"));
  CHECK(read_layer(*src, l.manifest.layers[1]) == img.layers[1]);
}

TEST_CASE("a blob is mounted from another repository of the same registry") {
  test::Registry reg;
  test::FaultProxy proxy(reg.port());
  auto img = make_image("mount", "amd64", 200 << 10);
  push_image(img, proxy.host() + "/from/here:1", insecure());
  size_t puts_before = proxy.count("PUT ");

  RegistryOptions o = insecure();
  o.mount_from = "from/here";
  auto src = source(proxy.host() + "/from/here:1");
  auto sink = open_registry_sink(Reference::parse(proxy.host() + "/to/there:1"), o);
  CopyResult r = copy_image(*src, *sink, Platform::parse("linux/amd64"));
  CHECK(r.digest == img.raw.digest);
  CHECK(proxy.count("POST /v2/to/there/blobs/uploads/?mount=") == 3);
  CHECK(proxy.count("PUT ") == puts_before + 1);  // only the manifest
  CHECK(source(proxy.host() + "/to/there:1")->root().digest == img.raw.digest);
}

TEST_CASE("registry errors are one clear line") {
  test::Registry reg;
  auto img = make_image("errors");
  push_image(img, reg.host() + "/foo:1", insecure());

  SECTION("unknown tag") {
    auto src = source(reg.host() + "/foo:x");
    REQUIRE_THROWS_WITH(src->root(), reg.host() +
                                         "/foo: manifest unknown (tag 'x' does not "
                                         "exist): check the tag");
  }
  SECTION("unknown repository") {
    auto src = source(reg.host() + "/nope:1");
    REQUIRE_THROWS_WITH(src->root(),
                        Catch::Contains(reg.host() + "/nope:") && Catch::Contains("unknown"));
  }
  SECTION("unknown digest") {
    Digest d = sha256_of("nothing");
    auto src = source(reg.host() + "/foo@" + d.str());
    REQUIRE_THROWS_WITH(src->root(),
                        Catch::Contains("manifest unknown") && Catch::Contains("check the digest"));
  }
  SECTION("plain HTTP while TLS is required") {
    RegistryOptions o = insecure();
    o.tls_verify = true;
    o.retries = 0;
    REQUIRE_THROWS_WITH(source(reg.host() + "/foo:1", o),
                        Catch::Contains(reg.host()) && Catch::Contains("does not speak TLS") &&
                            Catch::Contains("--tls-verify=false"));
  }
  SECTION("nothing listening") {
    RegistryOptions o = insecure();
    o.retries = 1;
    std::string host = "127.0.0.1:" + std::to_string(test::free_port());
    REQUIRE_THROWS_WITH(source(host + "/foo:1", o), Catch::Contains("cannot connect"));
  }
}

TEST_CASE("a failed push leaves no tag behind") {
  test::Registry reg;
  auto img = make_image("broken", "amd64", 100 << 10);
  std::string ref = reg.host() + "/broken:1";
  auto sink = open_registry_sink(Reference::parse(ref), insecure());
  // Only the config: the layers are missing.
  sink->put_blob(img.manifest.config, [&] { return std::make_unique<StringReader>(img.config); });
  sink->put_manifest(img.raw);
  REQUIRE_THROWS_WITH(sink->commit(), Catch::Contains("is not in the repository"));
  REQUIRE_THROWS_WITH(source(ref)->root(), Catch::Contains("manifest unknown"));

  SECTION("a blob whose bytes do not match its digest is refused") {
    Descriptor bad = img.manifest.layers[0];
    std::string wrong = img.layers[0];
    wrong[wrong.size() / 2] ^= 1;
    REQUIRE_THROWS(sink->put_blob(bad, [&]() -> std::unique_ptr<ReadStream> {
      return std::make_unique<VerifyingReader>(std::make_unique<StringReader>(wrong), bad.digest,
                                               bad.size, "test blob");
    }));
    auto check = open_registry_sink(Reference::parse(ref), insecure());
    CHECK_FALSE(check->has_blob(bad));
  }
}

TEST_CASE("a multi-arch index selects the platform") {
  test::Registry reg;
  auto amd = make_image("amd", "amd64");
  auto arm = make_image("arm", "arm64");
  std::string repo = reg.host() + "/multi";
  push_image(amd, repo + "@" + amd.raw.digest.str(), insecure());
  push_image(arm, repo + "@" + arm.raw.digest.str(), insecure());
  Json index = {{"schemaVersion", 2},
                {"mediaType", media::kOciIndex},
                {"manifests",
                 {{{"mediaType", media::kOciManifest},
                   {"digest", amd.raw.digest.str()},
                   {"size", amd.raw.bytes.size()},
                   {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}},
                  {{"mediaType", media::kOciManifest},
                   {"digest", arm.raw.digest.str()},
                   {"size", arm.raw.bytes.size()},
                   {"platform", {{"os", "linux"}, {"architecture", "arm64"}}}}}}};
  RawManifest raw = RawManifest::of(std::string(media::kOciIndex), index.dump());
  auto sink = open_registry_sink(Reference::parse(repo + ":latest"), insecure());
  sink->put_manifest(raw);
  CHECK(sink->commit() == raw.digest);

  auto src = source(repo + ":latest");
  Image a = load_image(*src, Platform::parse("linux/amd64"));
  CHECK(a.raw.digest == amd.raw.digest);
  CHECK(a.index.has_value());
  Image b = load_image(*src, Platform::parse("linux/arm64"));
  CHECK(b.raw.digest == arm.raw.digest);
  CHECK(b.config_bytes == arm.config);
  REQUIRE_THROWS_WITH(load_image(*src, Platform::parse("linux/s390x")),
                      Catch::Contains("linux/s390x"));

  SECTION("an index whose children are missing is not pushed") {
    auto other = open_registry_sink(Reference::parse(reg.host() + "/empty:latest"), insecure());
    other->put_manifest(raw);
    REQUIRE_THROWS_WITH(other->commit(), Catch::Contains("push it first"));
  }
}

TEST_CASE("a tampered blob in the registry's storage is detected") {
  test::Registry reg;
  auto img = make_image("tamper", "amd64", 200 << 10);
  std::string ref = reg.host() + "/tamper:1";
  push_image(img, ref, insecure());
  const Descriptor& layer = img.manifest.layers[1];
  std::string bytes = test::slurp(reg.blob_file(layer.digest));
  REQUIRE(bytes == img.layers[1]);
  bytes[1000] ^= 0x55;
  test::spit(reg.blob_file(layer.digest), bytes);

  SECTION("streamed") {
    auto src = source(ref);
    Image l = load_image(*src, Platform::parse("linux/amd64"));
    REQUIRE_THROWS_WITH(read_layer(*src, l.manifest.layers[1]), Catch::Contains("digest mismatch"));
  }
  SECTION("prefetched") {
    auto src = source(ref);
    Image l = load_image(*src, Platform::parse("linux/amd64"));
    src->prefetch(l.manifest.layers);
    CHECK(read_layer(*src, l.manifest.layers[0]) == img.layers[0]);
    REQUIRE_THROWS_WITH(read_layer(*src, l.manifest.layers[1]), Catch::Contains("digest mismatch"));
  }
  SECTION("copied: nothing is tagged") {
    auto src = source(ref);
    auto sink = open_registry_sink(Reference::parse(reg.host() + "/copy:1"), insecure());
    REQUIRE_THROWS(copy_image(*src, *sink, Platform::parse("linux/amd64")));
    REQUIRE_THROWS_WITH(source(reg.host() + "/copy:1")->root(),
                        Catch::Contains("manifest unknown"));
  }
}
