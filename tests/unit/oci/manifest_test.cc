#include <catch2/catch.hpp>

#include "core/error.h"
#include "oci/config.h"
#include "oci/digest.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

using namespace imgstrip;

namespace {

std::string hex(char c) {
  return std::string(64, c);
}

std::string manifest_json(const std::string& layer_digest = "sha256:" + hex('b')) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
         R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
         hex('a') +
         R"(","size":10},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
         layer_digest + R"(","size":20}],"annotations":{"x":"y"},"unknownField":{"kept":true}})";
}

}  // namespace

TEST_CASE("sha256 digests") {
  CHECK(sha256_of("").str() ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_of("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Digest::valid("sha256:" + hex('0')));
  CHECK_FALSE(Digest::valid("sha256:" + hex('A')));
  CHECK_FALSE(Digest::valid("sha256:abc"));
  CHECK_FALSE(Digest::valid("md5:" + hex('0')));
  CHECK_THROWS_AS(Digest::parse("nonsense"), Error);
}

TEST_CASE("verifying reader catches wrong digests and sizes") {
  auto run = [](std::string data, Digest want, int64_t size) {
    VerifyingReader r(std::make_unique<StringReader>(std::move(data)), want, size, "blob X");
    return drain(r);
  };
  CHECK(run("hello", sha256_of("hello"), 5) == 5);
  CHECK_THROWS_WITH(run("hellO", sha256_of("hello"), 5), Catch::Contains("digest mismatch"));
  CHECK_THROWS_WITH(run("hell", sha256_of("hello"), 5), Catch::Contains("truncated"));
  CHECK_THROWS_WITH(run("hello!", sha256_of("hello"), 5), Catch::Contains("more data"));
  CHECK(run("hello", sha256_of("hello"), -1) == 5);
}

TEST_CASE("manifests parse and keep unknown fields") {
  Manifest m = Manifest::parse(manifest_json(), "", "test");
  CHECK(m.media_type == media::kOciManifest);
  CHECK(m.config.digest.hex == hex('a'));
  REQUIRE(m.layers.size() == 1);
  CHECK(m.layers[0].size == 20);
  CHECK(m.annotations.at("x") == "y");
  std::string again = m.serialize();
  CHECK(again.find("unknownField") != std::string::npos);
  Manifest m2 = Manifest::parse(again, "", "again");
  CHECK(m2.layers[0].digest == m.layers[0].digest);
}

TEST_CASE("malformed manifests are errors that say what is wrong") {
  CHECK_THROWS_WITH(Manifest::parse("{", "", "m"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(Manifest::parse("[]", "", "m"), Catch::Contains("JSON object"));
  CHECK_THROWS_WITH(Manifest::parse(manifest_json("sha256:zz"), "", "m"),
                    Catch::Contains("invalid digest"));
  CHECK_THROWS_WITH(Manifest::parse(R"({"schemaVersion":2,"layers":[]})", "", "m"),
                    Catch::Contains("missing \"config\""));
  CHECK_THROWS_WITH(Manifest::parse(R"({"schemaVersion":1})", "", "m"),
                    Catch::Contains("schemaVersion"));
  CHECK_THROWS_WITH(
      Manifest::parse(
          R"({"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"})",
          "", "m"),
      Catch::Contains("schema 1"));
  std::string negative = manifest_json();
  negative.replace(negative.find("\"size\":20"), 9, "\"size\":-4");
  CHECK_THROWS_WITH(Manifest::parse(negative, "", "m"), Catch::Contains("negative size"));
}

TEST_CASE("index platform selection") {
  std::string idx =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      hex('1') +
      R"(","size":1,"platform":{"architecture":"amd64","os":"linux"}},)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      hex('2') +
      R"(","size":1,"platform":{"architecture":"arm","os":"linux","variant":"v7"}},)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      hex('3') +
      R"(","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      hex('4') + R"(","size":1,"platform":{"architecture":"unknown","os":"unknown"}}]})";
  Index x = Index::parse(idx, "", "idx");
  CHECK(x.select(Platform::parse("linux/amd64"), "idx").digest.hex == hex('1'));
  CHECK(x.select(Platform::parse("linux/arm/v7"), "idx").digest.hex == hex('2'));
  CHECK(x.select(Platform::parse("linux/arm64"), "idx").digest.hex == hex('3'));
  CHECK(x.select(Platform::parse("linux/aarch64"), "idx").digest.hex == hex('3'));
  CHECK_THROWS_WITH(x.select(Platform::parse("linux/s390x"), "idx"),
                    Catch::Contains("linux/amd64, linux/arm/v7, linux/arm64/v8"));
  CHECK_THROWS_AS(Platform::parse("linux"), UsageError);
}

TEST_CASE("converting between OCI and Docker manifests") {
  Manifest m = Manifest::parse(manifest_json(), "", "test");
  Manifest d = convert_manifest(m, true);
  CHECK(d.media_type == media::kDockerManifest);
  CHECK(d.config.media_type == media::kDockerConfig);
  CHECK(d.layers[0].media_type == media::kDockerLayerGzip);
  CHECK(d.annotations.empty());
  Manifest back = convert_manifest(d, false);
  CHECK(back.layers[0].media_type == media::kOciLayerGzip);
  CHECK(back.layers[0].digest == m.layers[0].digest);
}

TEST_CASE("image config keeps untouched fields") {
  std::string text =
      R"({"created":"2024-01-01T00:00:00Z","architecture":"amd64","os":"linux","custom":[1,2],)"
      R"("config":{"Entrypoint":["/docker-entrypoint.sh"],"Env":["PATH=/usr/bin:/bin","A=b=c"],)"
      R"("ExposedPorts":{"80/tcp":{}},"User":"www-data","Labels":{"a":"1"}},)"
      R"("rootfs":{"type":"layers","diff_ids":["sha256:)" +
      hex('c') + R"("]},"history":[{"created_by":"x"}]})";
  ImageConfig c = ImageConfig::parse(text, "cfg");
  CHECK(c.entrypoint() == std::vector<std::string>{"/docker-entrypoint.sh"});
  CHECK(c.env_value("PATH") == "/usr/bin:/bin");
  CHECK(c.env_value("A") == "b=c");
  CHECK_FALSE(c.env_value("P"));
  CHECK(c.user() == "www-data");
  CHECK(c.exposed_ports() == std::vector<std::string>{"80/tcp"});
  CHECK(c.diff_ids().size() == 1);
  c.set_layers({sha256_of("x")}, {HistoryEntry{"t", "imgstrip", "", false}});
  c.set_label("org.example", "v");
  ImageConfig again = ImageConfig::parse(c.serialize(), "again");
  CHECK(again.diff_ids() == std::vector<Digest>{sha256_of("x")});
  CHECK(again.labels().at("a") == "1");
  CHECK(again.labels().at("org.example") == "v");
  CHECK(again.json().at("custom") == Json::array({1, 2}));
  CHECK(c.serialize().find("\"created\"") < c.serialize().find("\"custom\""));
  CHECK_THROWS_WITH(ImageConfig::parse(R"({"rootfs":{"diff_ids":["bad"]}})", "cfg"),
                    Catch::Contains("invalid diff_id"));
}
