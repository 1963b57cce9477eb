#include <catch2/catch.hpp>

#include "attach/layout_store.h"
#include "attach/referrers.h"
#include "core/error.h"
#include "core/stream.h"
#include "core/tempdir.h"
#include "oci/media_types.h"

using namespace imgstrip;

namespace {

Descriptor subject() {
  return descriptor_of(media::kOciManifest, R"({"schemaVersion":2})");
}

Artifact spdx() {
  return Artifact{"application/spdx+json",
                  "application/spdx+json",
                  R"({"spdxVersion":"SPDX-2.3"})",
                  {{"org.opencontainers.image.created", "2024-01-01T00:00:00Z"}}};
}

}  // namespace

TEST_CASE("the artifact manifest has artifactType, the empty config and a subject") {
  RawManifest m = artifact_manifest(spdx(), subject());
  Json j = Json::parse(m.bytes);
  CHECK(j["mediaType"] == media::kOciManifest);
  CHECK(j["artifactType"] == "application/spdx+json");
  CHECK(j["config"]["mediaType"] == kEmptyMediaType);
  CHECK(j["config"]["digest"] ==
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  CHECK(j["config"]["size"] == 2);
  CHECK(j["layers"].size() == 1);
  CHECK(j["layers"][0]["digest"] == sha256_of(spdx().bytes).str());
  CHECK(j["subject"]["digest"] == subject().digest.str());
  CHECK(referrers_tag(subject().digest) == "sha256-" + subject().digest.hex);
}

TEST_CASE("the referrers index gains each artifact once") {
  RawManifest m = artifact_manifest(spdx(), subject());
  auto first = add_referrer(std::nullopt, m, "t");
  REQUIRE(first);
  Json j = Json::parse(first->bytes);
  CHECK(j["mediaType"] == media::kOciIndex);
  REQUIRE(j["manifests"].size() == 1);
  CHECK(j["manifests"][0]["artifactType"] == "application/spdx+json");
  CHECK(j["manifests"][0]["annotations"]["org.opencontainers.image.created"] ==
        "2024-01-01T00:00:00Z");
  CHECK_FALSE(add_referrer(first, m, "t"));  // no duplicate
  Artifact cdx = spdx();
  cdx.artifact_type = "application/vnd.cyclonedx+json";
  auto second = add_referrer(first, artifact_manifest(cdx, subject()), "t");
  REQUIRE(second);
  CHECK(Json::parse(second->bytes)["manifests"].size() == 2);
}

TEST_CASE("a fallback tag holding something else is refused") {
  RawManifest m = artifact_manifest(spdx(), subject());
  CHECK_THROWS_WITH(add_referrer(RawManifest::of(std::string(media::kOciManifest), "{}"), m, "t"),
                    Catch::Contains("not an OCI image index"));
  CHECK_THROWS_AS(add_referrer(RawManifest::of(std::string(media::kOciIndex), "[1]"), m, "t"),
                  Error);
  CHECK_THROWS_AS(
      add_referrer(RawManifest::of(std::string(media::kOciIndex), R"({"manifests":[{}]})"), m, "t"),
      Error);
}

TEST_CASE("an OCI layout holds the artifact and the fallback index") {
  TempDir dir;
  auto layout = dir.path();
  write_file_atomic(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  write_file_atomic(
      layout / "index.json",
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})");
  auto store = open_layout_store(layout);
  RawManifest image = RawManifest::of(std::string(media::kOciManifest), R"({"schemaVersion":2})");
  store->put_manifest(image, "latest");
  CHECK(store->tagged("latest")->digest == image.digest);
  CHECK_FALSE(store->tagged("other"));
  Descriptor subj = descriptor_of(image.media_type, image.bytes);
  Descriptor a = attach_artifact(*store, subj, spdx());
  Descriptor again = attach_artifact(*store, subj, spdx());
  CHECK(a.digest == again.digest);
  auto index = store->tagged(referrers_tag(image.digest));
  REQUIRE(index);
  Json j = Json::parse(index->bytes);
  REQUIRE(j["manifests"].size() == 1);
  CHECK(j["manifests"][0]["digest"] == a.digest.str());
  RawManifest artifact = store->manifest(a.digest);
  CHECK(Json::parse(artifact.bytes)["subject"]["digest"] == image.digest.str());
  Json top = Json::parse(read_file(layout / "index.json", 1 << 20));
  CHECK(top["manifests"].size() == 3);  // latest, the artifact, the fallback tag
}
