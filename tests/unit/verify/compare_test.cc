#include <catch2/catch.hpp>

#include "core/error.h"
#include "verify/compare.h"

using namespace imgstrip;
using namespace imgstrip::verify;

namespace {
Outcome http(int status, std::string body) {
  Outcome o;
  o.step = "GET /";
  o.status = status;
  o.body = std::move(body);
  return o;
}
Outcome none(std::string error) {
  Outcome o;
  o.step = "GET /";
  o.error = std::move(error);
  return o;
}
}  // namespace

TEST_CASE("compare: status, body, masks", "[verify][compare]") {
  Masks none_masks;
  CHECK(compare_outcomes({http(200, "a")}, {http(200, "a")}, none_masks).empty());
  auto d = compare_outcomes({http(200, "a"), http(200, "x")}, {http(200, "a"), http(500, "x")},
                            none_masks);
  REQUIRE(d.size() == 1);
  CHECK(d[0].index == 1);
  CHECK(d[0].reason == "status 200 vs 500");
  d = compare_outcomes({http(200, "hello world")}, {http(200, "hello there")}, none_masks);
  REQUIRE(d.size() == 1);
  CHECK(d[0].reason == "body differs from byte 6 (11 vs 11 bytes after masking)");
  Masks time({R"(\d\d:\d\d:\d\d)"});
  CHECK(compare_outcomes({http(200, "at 10:00:01")}, {http(200, "at 11:12:13")}, time).empty());
  CHECK(time.apply("10:00:01 and 11:00:00") == "<ignored> and <ignored>");
}

TEST_CASE("compare: no answer on one side is a difference", "[verify][compare]") {
  Masks m;
  auto d = compare_outcomes({http(200, "ok")}, {none("timed out")}, m);
  REQUIRE(d.size() == 1);
  CHECK(d[0].reason == "the stripped container gave no answer (timed out), the original 200");
  CHECK(compare_outcomes({none("timed out")}, {none("timed out")}, m).empty());
  CHECK(compare_outcomes({http(200, "")}, {}, m).size() == 1);
}

TEST_CASE("compare: a command's exit status 0 is an answer", "[verify][compare]") {
  Outcome ok;
  ok.is_exec = true;
  ok.step = "exec: nginx -v";
  ok.status = 0;
  ok.body = "nginx version: nginx/1.22.1\n";
  Outcome missing = ok;
  missing.status = 127;
  missing.body = "exec failed\n";
  CHECK(compare_outcomes({ok}, {ok}, Masks()).empty());
  auto d = compare_outcomes({ok}, {missing}, Masks());
  REQUIRE(d.size() == 1);
  CHECK(d[0].reason == "exit status 0 vs 127");
}

TEST_CASE("compare: a bad --ignore is a usage error", "[verify][compare]") {
  CHECK_THROWS_AS(Masks({"("}), UsageError);
}

TEST_CASE("compare: a health check agrees by its exit status alone", "[verify][compare]") {
  Outcome healthy;
  healthy.is_exec = true;
  healthy.status_only = true;
  healthy.step = "healthcheck: /bin/sh -c 'date; test -S /run/app.sock'";
  healthy.body = "Mon Dec  7 05:00:00 UTC 2026\n";
  Outcome later = healthy;
  later.body = "Mon Dec  7 05:00:09 UTC 2026\n";
  CHECK(compare_outcomes({healthy}, {later}, Masks()).empty());
  Outcome unhealthy = later;
  unhealthy.status = 1;
  auto d = compare_outcomes({healthy}, {unhealthy}, Masks());
  REQUIRE(d.size() == 1);
  CHECK(d[0].reason == "exit status 0 vs 1");
}
