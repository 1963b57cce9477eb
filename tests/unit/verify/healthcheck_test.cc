// The command a HEALTHCHECK runs inside the container, as the engines read it.
#include <catch2/catch.hpp>

#include "verify/container.h"

using namespace imgstrip::verify;
using nlohmann::json;
using V = std::vector<std::string>;

TEST_CASE("healthcheck: CMD, CMD-SHELL with the image's shell, NONE", "[verify][healthcheck]") {
  CHECK(healthcheck_argv(json::parse(R"({"Test":["CMD","curl","-f","http://localhost/"]})"), {}) ==
        V{"curl", "-f", "http://localhost/"});
  CHECK(healthcheck_argv(json::parse(R"({"Test":["CMD-SHELL","curl -f localhost || exit 1"],
                                         "Interval":30000000000})"),
                         {}) == V{"/bin/sh", "-c", "curl -f localhost || exit 1"});
  CHECK(healthcheck_argv(json::parse(R"({"Test":["CMD-SHELL","true"]})"),
                         {"/bin/bash", "-o", "pipefail", "-c"}) ==
        V{"/bin/bash", "-o", "pipefail", "-c", "true"});
  for (const char* off :
       {R"({"Test":["NONE"]})", R"({})", "null", R"({"Test":[]})", R"({"Test":"CMD true"})",
        R"({"Test":["CMD-SHELL"]})", R"({"Test":["CMD-SHELL","a","b"]})", R"({"Test":["CMD",1]})",
        R"({"Test":["EXEC","true"]})", "[]"}) {
    INFO(off);
    CHECK(healthcheck_argv(json::parse(off), {}).empty());
  }
}
