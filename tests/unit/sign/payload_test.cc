#include <catch2/catch.hpp>

#include "sign/payload.h"

using namespace imgstrip;

TEST_CASE("the simple-signing payload is cosign's, byte for byte") {
  Digest d = sha256_of("image");
  std::string p = simple_signing_payload("127.0.0.1:5000/web:stripped", d);
  CHECK(p == R"({"critical":{"identity":{"docker-reference":"127.0.0.1:5000/web:stripped"},)"
             R"("image":{"docker-manifest-digest":")" +
                 d.str() + R"("},"type":"cosign container image signature"},"optional":null})");
  auto claim = parse_simple_signing(p);
  REQUIRE(claim);
  CHECK(claim->docker_reference == "127.0.0.1:5000/web:stripped");
  CHECK(claim->manifest_digest == d.str());
}

TEST_CASE("payloads that are not simple signing are refused") {
  CHECK_FALSE(parse_simple_signing(""));
  CHECK_FALSE(parse_simple_signing("[]"));
  CHECK_FALSE(parse_simple_signing(R"({"critical":{"type":"other","identity":{},"image":{}}})"));
  CHECK_FALSE(parse_simple_signing(
      R"({"critical":{"type":"cosign container image signature","identity":{"docker-reference":1},"image":{"docker-manifest-digest":"x"}}})"));
}
