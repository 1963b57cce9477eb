#include <catch2/catch.hpp>

#include "core/error.h"
#include "oci/reference.h"

using imgstrip::Reference;
using imgstrip::UsageError;

TEST_CASE("references normalise like docker") {
  struct Row {
    const char* in;
    const char* registry;
    const char* repository;
    const char* tag;
  };
  const Row rows[] = {
      {"nginx", "docker.io", "library/nginx", "latest"},
      {"nginx:1.25", "docker.io", "library/nginx", "1.25"},
      {"library/nginx", "docker.io", "library/nginx", "latest"},
      {"user/app:v1", "docker.io", "user/app", "v1"},
      {"docker.io/nginx", "docker.io", "library/nginx", "latest"},
      {"index.docker.io/library/nginx", "docker.io", "library/nginx", "latest"},
      {"localhost/app", "localhost", "app", "latest"},
      {"localhost:5000/app:dev", "localhost:5000", "app", "dev"},
      {"127.0.0.1:5000/csvs2021-web_i", "127.0.0.1:5000", "csvs2021-web_i", "latest"},
      {"127.0.0.1:5000/stripped:0.5", "127.0.0.1:5000", "stripped", "0.5"},
      {"ghcr.io/org/team/app:1.0-rc.1", "ghcr.io", "org/team/app", "1.0-rc.1"},
      {"quay.io/a__b/c.d-e", "quay.io", "a__b/c.d-e", "latest"},
      {"Registry.Example/app", "Registry.Example", "app", "latest"},
      {"[::1]:5000/app", "[::1]:5000", "app", "latest"},
  };
  for (const auto& r : rows) {
    INFO(r.in);
    Reference ref = Reference::parse(r.in);
    CHECK(ref.registry == r.registry);
    CHECK(ref.repository == r.repository);
    CHECK(ref.tag == r.tag);
    CHECK_FALSE(ref.digest);
  }
}

TEST_CASE("references with digests") {
  std::string hex(64, 'a');
  auto ref = Reference::parse("nginx@sha256:" + hex);
  CHECK(ref.tag.empty());
  REQUIRE(ref.digest);
  CHECK(ref.digest->hex == hex);
  CHECK(ref.identifier() == "sha256:" + hex);
  CHECK(ref.str() == "docker.io/library/nginx@sha256:" + hex);

  auto both = Reference::parse("host:5000/a/b:v2@sha256:" + hex);
  CHECK(both.registry == "host:5000");
  CHECK(both.tag == "v2");
  CHECK(both.identifier() == "sha256:" + hex);
}

TEST_CASE("invalid references are rejected with a reason") {
  const char* bad[] = {
      "",
      "Nginx",
      "user/App",
      "nginx:",
      "nginx:-bad",
      "nginx@sha256:abc",
      "nginx@md5:0123",
      "a//b",
      "-leading",
      "trailing-",
      "a/b/",
      "host:port/app",
      "has space",
      "a:b:c",
  };
  for (const char* b : bad) {
    INFO(b);
    CHECK_THROWS_AS(Reference::parse(b), UsageError);
  }
  CHECK_THROWS_WITH(Reference::parse("user/App"), Catch::Contains("must be lowercase"));
  CHECK_THROWS_WITH(Reference::parse("nginx:" + std::string(129, 'a')), Catch::Contains("bad tag"));
}

TEST_CASE("docker hub's API host") {
  CHECK(Reference::parse("nginx").api_host() == "registry-1.docker.io");
  CHECK(Reference::parse("ghcr.io/a/b").api_host() == "ghcr.io");
}
