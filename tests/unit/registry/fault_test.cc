// Faults between imgstrip and the registry: truncated bodies, 5xx, 429, resets, expired
// tokens. imgstrip retries and resumes, or fails with one clear line.
#include <catch2/catch.hpp>
#include <chrono>

#include "core/error.h"
#include "fixture.h"
#include "image/image.h"
#include "oci/reference.h"
#include "registry/registry.h"

using namespace imgstrip;
using Fault = test::FaultProxy::Fault;

namespace {

bool is_blob_get(const test::Request& r, const Digest& d) {
  return r.method == "GET" && r.target.find("/blobs/" + d.str()) != std::string::npos;
}

std::string pull_layer(const std::string& ref, size_t i, const RegistryOptions& o,
                       bool prefetch = false) {
  auto src = open_registry_source(Reference::parse(ref), o);
  Image img = load_image(*src, Platform::parse("linux/amd64"));
  if (prefetch) src->prefetch(img.manifest.layers);
  auto in = open_blob(*src, img.manifest.layers.at(i));
  return read_all(*in, 64 << 20, "layer");
}

}  // namespace

TEST_CASE("faults while pulling") {
  test::Registry reg;
  test::FaultProxy proxy(reg.port());
  auto img = test::make_image("faults", "amd64", 600 << 10);
  std::string ref = proxy.host() + "/faulty:1";
  test::push_image(img, ref, test::insecure());
  const Digest big = img.manifest.layers[1].digest;
  RegistryOptions o = test::insecure();
  int hits = 0;

  SECTION("a truncated blob resumes with a Range request") {
    bool prefetch = GENERATE(false, true);
    proxy.set_rule([&](const test::Request& r) {
      if (is_blob_get(r, big) && hits++ == 0) return Fault{Fault::Truncate, 0, "", 100000};
      return Fault{};
    });
    CHECK(pull_layer(ref, 1, o, prefetch) == img.layers[1]);
    CHECK(proxy.count("GET /v2/faulty/blobs/" + big.str() + " range=bytes=100000-") == 1);
  }
  SECTION("500s are retried") {
    proxy.set_rule([&](const test::Request& r) {
      if (r.target.find("/manifests/") != std::string::npos && hits++ < 2) {
        return Fault{Fault::Status, 500, "", 0};
      }
      return Fault{};
    });
    auto src = open_registry_source(Reference::parse(ref), o);
    CHECK(src->root().digest == img.raw.digest);
    CHECK(proxy.count("GET /v2/faulty/manifests/1") == 3);
  }
  SECTION("429 waits for Retry-After") {
    proxy.set_rule([&](const test::Request& r) {
      if (is_blob_get(r, big) && hits++ == 0) {
        return Fault{Fault::Status, 429, "Retry-After: 1\r\n", 0};
      }
      return Fault{};
    });
    auto start = std::chrono::steady_clock::now();
    CHECK(pull_layer(ref, 1, o) == img.layers[1]);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(950));
  }
  SECTION("a reset connection is retried") {
    proxy.set_rule([&](const test::Request& r) {
      if (is_blob_get(r, big) && hits++ < 2) return Fault{Fault::Reset, 0, "", 0};
      return Fault{};
    });
    CHECK(pull_layer(ref, 1, o) == img.layers[1]);
  }
  SECTION("a registry that keeps failing: one clear error") {
    o.retries = 2;
    proxy.set_rule([&](const test::Request& r) {
      if (is_blob_get(r, big)) return Fault{Fault::Status, 503, "", 0};
      return Fault{};
    });
    REQUIRE_THROWS_WITH(pull_layer(ref, 1, o),
                        Catch::Contains("/faulty: registry server error (HTTP 503)") &&
                            Catch::Contains(big.str()) && Catch::Contains("try again later"));
    CHECK(proxy.count("GET /v2/faulty/blobs/" + big.str()) == 3);
  }
  SECTION("a blob that always breaks off: one clear error") {
    o.retries = 2;
    bool prefetch = GENERATE(false, true);
    proxy.set_rule([&](const test::Request& r) {
      if (is_blob_get(r, big)) return Fault{Fault::Truncate, 0, "", 0};
      return Fault{};
    });
    REQUIRE_THROWS_WITH(
        pull_layer(ref, 1, o, prefetch),
        Catch::Contains("/faulty: blob " + big.str()) && Catch::Contains("after 2 retries"));
  }
}

TEST_CASE("faults while pushing") {
  test::Registry reg;
  test::FaultProxy proxy(reg.port());
  auto img = test::make_image("pushfaults", "amd64", (1 << 20) + 777);
  std::string ref = proxy.host() + "/pushy:1";
  RegistryOptions o = test::insecure();
  int hits = 0;

  SECTION("a monolithic upload answered 500 is sent again") {
    proxy.set_rule([&](const test::Request& r) {
      if (r.method == "PUT" && r.target.find("/blobs/uploads/") != std::string::npos &&
          hits++ == 0) {
        return Fault{Fault::Status, 500, "", 0};
      }
      return Fault{};
    });
    CHECK(test::push_image(img, ref, o) == img.raw.digest);
  }
  SECTION("a chunk whose connection resets resumes from the upload's state") {
    o.chunk_threshold = 256 << 10;
    o.chunk_size = 256 << 10;
    proxy.set_rule([&](const test::Request& r) {
      if (r.method == "PATCH" && hits++ == 1) return Fault{Fault::Reset, 0, "", 0};
      return Fault{};
    });
    CHECK(test::push_image(img, ref, o) == img.raw.digest);
    CHECK(proxy.count("PATCH ") == 6);  // 5 chunks, one sent twice
  }
  auto src = open_registry_source(Reference::parse(ref), o);
  Image pulled = load_image(*src, Platform::parse("linux/amd64"));
  auto in = open_blob(*src, pulled.manifest.layers[1]);
  CHECK(read_all(*in, 4 << 20, "layer") == img.layers[1]);
}

TEST_CASE("an expired token is refreshed on 401") {
  test::TokenServer tokens("", "");
  test::Registry reg(test::Registry::Config{tokens.auth_yaml(), {}, {}});
  test::FaultProxy proxy(reg.port());
  auto img = test::make_image("refresh");
  std::string ref = proxy.host() + "/tok/app:1";
  test::push_image(img, ref, test::insecure());
  int issued = tokens.tokens_issued();
  int hits = 0;
  proxy.set_rule([&](const test::Request& r) {
    if (r.target.find("/manifests/") != std::string::npos && hits++ == 0) {
      return Fault{Fault::Status, 401,
                   "WWW-Authenticate: Bearer realm=\"" + tokens.realm() +
                       "\",service=\"test-registry\",scope=\"repository:tok/app:pull\","
                       "error=\"invalid_token\"\r\n",
                   0};
    }
    return Fault{};
  });
  auto src = open_registry_source(Reference::parse(ref), test::insecure());
  CHECK(src->root().digest == img.raw.digest);
  CHECK(tokens.tokens_issued() == issued + 2);  // the source's first token, then a fresh one
}
