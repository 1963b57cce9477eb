#include <catch2/catch.hpp>

#include "core/error.h"
#include "oci/media_types.h"
#include "sign/payload.h"
#include "sign/signature_manifest.h"

using namespace imgstrip;

namespace {

Descriptor layer(const std::string& payload, const std::string& sig) {
  Descriptor d;
  d.media_type = std::string(kSimpleSigningMediaType);
  d.digest = sha256_of(payload);
  d.size = static_cast<int64_t>(payload.size());
  d.annotations[std::string(kCosignSignatureAnnotation)] = sig;
  return d;
}

auto never = [](const Descriptor&) { return false; };

}  // namespace

TEST_CASE("the signature tag and the first signature manifest") {
  Digest image = sha256_of("image");
  CHECK(signature_tag(image) == "sha256-" + image.hex + ".sig");
  SignatureManifest m = add_signature(std::nullopt, layer("p1", "c2ln"), never, "t");
  Manifest parsed = Manifest::parse(m.manifest.bytes, media::kOciManifest, "t");
  CHECK(parsed.config.media_type == media::kOciConfig);
  CHECK(parsed.config.digest == sha256_of(m.config));
  REQUIRE(parsed.layers.size() == 1);
  CHECK(parsed.layers[0].media_type == kSimpleSigningMediaType);
  CHECK(parsed.layers[0].annotations.at(std::string(kCosignSignatureAnnotation)) == "c2ln");
  Json config = Json::parse(m.config);
  CHECK(config["rootfs"]["diff_ids"][0] == sha256_of("p1").str());
}

TEST_CASE("signatures are appended, or replace the same signer's") {
  SignatureManifest first = add_signature(std::nullopt, layer("p1", "AA=="), never, "t");
  SignatureManifest second = add_signature(first.manifest, layer("p2", "BB=="), never, "t");
  CHECK_FALSE(second.replaced);
  CHECK(Manifest::parse(second.manifest.bytes, media::kOciManifest, "t").layers.size() == 2);
  auto same_p1 = [](const Descriptor& d) { return d.digest == sha256_of("p1"); };
  SignatureManifest third = add_signature(second.manifest, layer("p1", "CC=="), same_p1, "t");
  CHECK(third.replaced);
  auto layers = Manifest::parse(third.manifest.bytes, media::kOciManifest, "t").layers;
  REQUIRE(layers.size() == 2);
  CHECK(layers[0].digest == sha256_of("p2"));
  CHECK(layers[1].annotations.at(std::string(kCosignSignatureAnnotation)) == "CC==");
}

TEST_CASE("a signature tag holding something else is refused") {
  RawManifest index = RawManifest::of(std::string(media::kOciIndex), R"({"manifests":[]})");
  CHECK_THROWS_WITH(add_signature(index, layer("p", "AA=="), never, "repo:tag"),
                    Catch::Contains("not an OCI image manifest"));
  RawManifest junk = RawManifest::of(std::string(media::kOciManifest), "{");
  CHECK_THROWS_AS(add_signature(junk, layer("p", "AA=="), never, "repo:tag"), Error);
}
