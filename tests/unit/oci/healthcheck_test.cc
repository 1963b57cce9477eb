// A config's HEALTHCHECK as the engine runs it.
#include <catch2/catch.hpp>

#include "oci/healthcheck.h"

using namespace imgstrip;
using V = std::vector<std::string>;

TEST_CASE("healthcheck: CMD, CMD-SHELL with the image's shell, NONE", "[oci][healthcheck]") {
  auto exec =
      parse_healthcheck(Json::parse(R"({"Test":["CMD","curl","-f","http://localhost/"]})"), {});
  REQUIRE(exec);
  CHECK(exec->command == V{"curl", "-f", "http://localhost/"});
  CHECK_FALSE(exec->interval_ns);
  CHECK_FALSE(exec->retries);

  auto shell = parse_healthcheck(
      Json::parse(R"({"Test":["CMD-SHELL","curl -f localhost || exit 1"],"Interval":30000000000,
                      "Timeout":5000000000,"StartPeriod":2000000000,"Retries":4})"),
      {});
  REQUIRE(shell);
  CHECK(shell->command == V{"/bin/sh", "-c", "curl -f localhost || exit 1"});
  CHECK(shell->interval_ns == 30000000000);
  CHECK(shell->timeout_ns == 5000000000);
  CHECK(shell->start_period_ns == 2000000000);
  CHECK(shell->retries == 4);

  auto bash = parse_healthcheck(Json::parse(R"({"Test":["CMD-SHELL","true"],"Interval":0})"),
                                {"/bin/bash", "-o", "pipefail", "-c"});
  REQUIRE(bash);
  CHECK(bash->command == V{"/bin/bash", "-o", "pipefail", "-c", "true"});
  CHECK_FALSE(bash->interval_ns);  // 0: the engine's default

  for (const char* off :
       {R"({"Test":["NONE"]})", R"({})", "null", R"({"Test":[]})", R"({"Test":"CMD true"})",
        R"({"Test":["CMD-SHELL"]})", R"({"Test":["CMD-SHELL","a","b"]})", R"({"Test":["CMD",1]})",
        R"({"Test":["CMD"]})", R"({"Test":["CMD",""]})", "[]"}) {
    INFO(off);
    std::string unknown;
    CHECK_FALSE(parse_healthcheck(Json::parse(off), {}, &unknown));
    CHECK(unknown.empty());
  }
  std::string unknown;
  CHECK_FALSE(parse_healthcheck(Json::parse(R"({"Test":["EXEC","true"]})"), {}, &unknown));
  CHECK(unknown == "EXEC");
}
