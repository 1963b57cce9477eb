#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.h"
#include "verify/openapi.h"

using namespace imgstrip;
using namespace imgstrip::verify;

namespace {
const char* kDoc = R"({
  "openapi": "3.0.3",
  "servers": [{"url": "http://localhost:8080/api"}],
  "paths": {
    "/pets/{id}": {
      "parameters": [{"name": "id", "in": "path", "required": true,
                      "schema": {"type": "integer", "minimum": 7}}],
      "get": {"parameters": [{"name": "verbose", "in": "query", "example": true}]},
      "delete": {}
    },
    "/pets": {
      "post": {"requestBody": {"content": {"application/json":
                 {"schema": {"$ref": "#/components/schemas/Pet"}}}}}
    }
  },
  "components": {"schemas": {"Pet": {"type": "object", "properties": {
      "name": {"type": "string", "example": "Rex"},
      "tags": {"type": "array", "items": {"type": "string", "format": "uuid"}},
      "self": {"$ref": "#/components/schemas/Pet"}}}}}
})";

const Request* find(const std::vector<Request>& rs, std::string_view origin_end) {
  for (const Request& r : rs)
    if (r.origin.ends_with(origin_end)) return &r;
  return nullptr;
}
}  // namespace

TEST_CASE("openapi: every operation with example and schema values", "[verify][openapi]") {
  auto rs = requests_from_openapi(kDoc, "api.json");
  const Request* get = find(rs, "GET /pets/{id}");
  REQUIRE(get);
  CHECK(get->path == "/api/pets/7?verbose=true");
  const Request* del = find(rs, "DELETE /pets/{id}");
  REQUIRE(del);
  CHECK(del->path == "/api/pets/7");
  const Request* post = find(rs, "POST /pets");
  REQUIRE(post);
  CHECK(post->has_body);
  CHECK(post->body.starts_with(R"({"name":"Rex","self":)"));
  CHECK(post->body.find(R"("tags":["123e4567-e89b-12d3-a456-426614174000"])") != std::string::npos);
}

TEST_CASE("openapi: the probes", "[verify][openapi]") {
  OpenApiOptions o;
  o.oversized_bytes = 1000;
  auto rs = requests_from_openapi(kDoc, "api.json", o);
  const Request* bad = find(rs, "POST /pets (malformed body)");
  REQUIRE(bad);
  CHECK(bad->body == "{\"malformed\": [1, 2,");
  const Request* big = find(rs, "POST /pets (oversized body)");
  REQUIRE(big);
  CHECK(big->body.size() == 1008);
  const Request* trav = find(rs, "(path traversal in {id})");
  REQUIRE(trav);
  CHECK(trav->path == "/api/pets/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd");
  const Request* wrong = find(rs, "POST /pets/{id} (method not declared)");
  REQUIRE(wrong);
  CHECK(find(rs, "GET /pets (method not declared)"));
  CHECK(find(rs, "(path traversal)")->path == "/api/../../../../../../etc/passwd");
  o.probes = false;
  CHECK(requests_from_openapi(kDoc, "api.json", o).size() == 3);
}

TEST_CASE("openapi: what is not a JSON OpenAPI 3 document", "[verify][openapi]") {
  CHECK_THROWS_WITH(requests_from_openapi("openapi: 3.0.0\n", "a.yaml"), Catch::Contains("JSON"));
  CHECK_THROWS_WITH(requests_from_openapi(R"({"swagger": "2.0", "paths": {}})", "a"),
                    Catch::Contains("OpenAPI 3"));
  CHECK_THROWS_AS(requests_from_openapi(R"({"openapi": "3.1.0"})", "a"), UsageError);
  CHECK_THROWS_AS(requests_from_openapi("{", "a"), UsageError);
  // A $ref loop ends.
  auto rs = requests_from_openapi(
      R"({"openapi":"3.0.0","paths":{"/a":{"post":{"requestBody":{"content":{"application/json":
         {"schema":{"$ref":"#/x"}}}}}}},"x":{"$ref":"#/x"}})",
      "a");
  CHECK(!rs.empty());
  // Members of the wrong type are skipped, not a crash (found by fuzz_verify_openapi): a
  // parameter whose name is an object, a format and a server url that are numbers.
  OpenApiOptions plain;
  plain.probes = false;
  rs = requests_from_openapi(
      R"({"openapi":"3.0.0","servers":[{"url":7}],"paths":{"/p/{id}":{
         "parameters":[{"name":{"type":"integer"}},{"name":"id","in":1}],
         "post":{"requestBody":{"content":{"application/json":
           {"schema":{"type":"string","format":5}}}}}}}})",
      "a", plain);
  REQUIRE(rs.size() == 1);
  CHECK(rs[0].method == "POST");
  CHECK(rs[0].path == "/p/{id}");
}
