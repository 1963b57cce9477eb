#include <catch2/catch.hpp>

#include "core/error.h"
#include "engine/ping.h"

using namespace imgstrip;

TEST_CASE("API versions parse and compare", "[engine][ping]") {
  CHECK(ApiVersion::parse("1.41") == ApiVersion{1, 41});
  CHECK(ApiVersion::parse("v1.24 ") == ApiVersion{1, 24});
  CHECK(ApiVersion::parse("1.9") < ApiVersion::parse("1.10"));
  for (const char* bad : {"", "1", "1.", ".4", "a.b", "1.41.2", "-1.4", "99999.1", "1.4x"})
    CHECK_FALSE(ApiVersion::parse(bad));
  CHECK(ApiVersion{1, 41}.str() == "1.41");
}

TEST_CASE("the lower of the server's version and ours is used", "[engine][ping]") {
  // Docker 25 (1.44) speaks ours; Docker 20.10 (1.41) is ours; an older server its own.
  CHECK(negotiate("1.44", std::nullopt).api == kOurApiVersion);
  CHECK(negotiate("1.41", std::nullopt).api == ApiVersion{1, 41});
  CHECK(negotiate("1.30", std::nullopt).api == ApiVersion{1, 30});
  PingInfo docker = negotiate("1.41", std::nullopt);
  CHECK_FALSE(docker.podman);
  CHECK(docker.server_api == "1.41");
  // A server that says nothing gets the oldest version we speak, as docker's client does.
  CHECK(negotiate(std::nullopt, std::nullopt).api == kOldestApiVersion);
  CHECK_THROWS_AS(negotiate("1.12", std::nullopt), Error);
  CHECK_THROWS_AS(negotiate("garbage", std::nullopt), Error);
}

TEST_CASE("podman is told by its Libpod-Api-Version header", "[engine][ping]") {
  PingInfo p = negotiate("1.41", "4.3.1");
  CHECK(p.podman);
  CHECK(p.libpod_api == "4.3.1");
  CHECK(p.api == ApiVersion{1, 41});
  CHECK(negotiate("1.41", std::string(1000, 'x')).libpod_api.size() <= 32);
}
