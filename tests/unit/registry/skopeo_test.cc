// Interoperability with skopeo (skipped when it is not installed): what imgstrip pushes
// skopeo reads and copies, and what skopeo pushes imgstrip reads.
#include <catch2/catch.hpp>
#include <cstdio>

#include "core/error.h"
#include "fixture.h"
#include "image/image.h"
#include "oci/reference.h"
#include "registry/registry.h"

using namespace imgstrip;

namespace {

std::string capture(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (size_t got = std::fread(buf, 1, sizeof buf, p))
    out.append(buf, got);
  int rc = ::pclose(p);
  INFO(command << "\n" << out);
  REQUIRE(rc == 0);
  return out;
}

void write_blob(const std::filesystem::path& layout, const std::string& bytes) {
  test::spit(layout / "blobs/sha256" / sha256_of(bytes).hex, bytes);
}

}  // namespace

TEST_CASE("skopeo agrees with imgstrip") {
  if (!test::have("skopeo")) {
    FAIL("skopeo is not installed");
  }
  imgstrip::TempDir dir("imgstrip-skopeo");
  auto policy = dir.path() / "policy.json";
  test::spit(policy, R"({"default":[{"type":"insecureAcceptAnything"}]})");
  std::string skopeo = "skopeo --policy " + policy.string() + " ";
  test::Registry reg;
  auto img = test::make_image("skopeo", "amd64", 100 << 10);

  SECTION("skopeo reads and copies what imgstrip pushed") {
    std::string ref = reg.host() + "/ours:1";
    test::push_image(img, ref, test::insecure());
    auto info = Json::parse(capture(skopeo + "inspect --tls-verify=false docker://" + ref));
    CHECK(info["Digest"] == img.raw.digest.str());
    CHECK(info["Architecture"] == "amd64");
    auto out = dir.path() / "copied";
    capture(skopeo + "copy --src-tls-verify=false docker://" + ref + " oci:" + out.string() +
            ":copied");
    auto index = Json::parse(test::slurp(out / "index.json"));
    CHECK(index["manifests"][0]["digest"] == img.raw.digest.str());
    for (const auto& layer : img.layers) {
      CHECK(test::slurp(out / "blobs/sha256" / sha256_of(layer).hex) == layer);
    }
  }
  SECTION("imgstrip reads what skopeo pushed") {
    auto layout = dir.path() / "layout";
    std::filesystem::create_directories(layout / "blobs/sha256");
    test::spit(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    write_blob(layout, img.config);
    for (const auto& l : img.layers)
      write_blob(layout, l);
    write_blob(layout, img.raw.bytes);
    Json index = {{"schemaVersion", 2},
                  {"manifests",
                   {{{"mediaType", img.raw.media_type},
                     {"digest", img.raw.digest.str()},
                     {"size", img.raw.bytes.size()},
                     {"annotations", {{"org.opencontainers.image.ref.name", "v1"}}}}}}};
    test::spit(layout / "index.json", index.dump());
    std::string ref = reg.host() + "/theirs:v1";
    capture(skopeo + "copy --dest-tls-verify=false oci:" + layout.string() + ":v1 docker://" + ref);
    auto src = open_registry_source(Reference::parse(ref), test::insecure());
    Image pulled = load_image(*src, Platform::parse("linux/amd64"));
    CHECK(pulled.raw.digest == img.raw.digest);
    CHECK(pulled.config_bytes == img.config);
    for (size_t i = 0; i < img.layers.size(); ++i) {
      auto in = open_blob(*src, pulled.manifest.layers[i]);
      CHECK(read_all(*in, 1 << 20, "layer") == img.layers[i]);
    }
  }
}
