#include <catch2/catch.hpp>

#include "core/command_words.h"
#include "core/error.h"
#include "verify/request.h"

using namespace imgstrip;
using namespace imgstrip::verify;

TEST_CASE("requests file: methods, paths, bodies byte for byte, headers", "[verify][requests]") {
  auto r = parse_requests(
      "# the coursework's inputs\n"
      "POST /index.php user=alice&suggestion=More tea in the kitchen\n"
      "\n"
      "POST /index.php\r\n"
      "GET :8080/health\n"
      "PUT /api {\"a\": [1, 2]}\n"
      "  X-Token: abc def \n"
      "Content-Type: text/plain\n",
      "r.txt");
  REQUIRE(r.size() == 4);
  CHECK(r[0].method == "POST");
  CHECK(r[0].path == "/index.php");
  CHECK(r[0].has_body);
  CHECK(r[0].body == "user=alice&suggestion=More tea in the kitchen");
  CHECK(r[0].origin == "r.txt:2");
  CHECK_FALSE(r[1].has_body);
  CHECK(r[1].origin == "r.txt:4");
  CHECK(r[2].port == 8080);
  CHECK(r[2].path == "/health");
  CHECK(r[3].body == "{\"a\": [1, 2]}");
  REQUIRE(r[3].headers.size() == 2);
  CHECK(r[3].headers[0] == std::pair<std::string, std::string>{"X-Token", "abc def"});
  CHECK(r[3].headers[1].first == "Content-Type");
  CHECK(r[0].describe() == "POST /index.php user=alice&suggestion=More tea in the kitchen");
  CHECK(r[2].describe() == "GET :8080/health");
}

TEST_CASE("requests file: malformed lines are usage errors naming the line", "[verify][requests]") {
  CHECK_THROWS_WITH(parse_requests("X-A: 1\n", "f"),
                    Catch::Contains("f:1") && Catch::Contains("header before"));
  CHECK_THROWS_WITH(parse_requests("GET\n", "f"), Catch::Contains("without a path"));
  CHECK_THROWS_WITH(parse_requests("\nget /x\n", "f"), Catch::Contains("f:2"));
  CHECK_THROWS_WITH(parse_requests("GET index.php\n", "f"), Catch::Contains("must start with"));
  CHECK_THROWS_WITH(parse_requests("GET :99999/x\n", "f"), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(parse_requests("GET :8a/x\n", "f"), Catch::Contains("bad port"));
  CHECK_THROWS_AS(parse_requests("GET /x\x01y\n", "f"), UsageError);
  CHECK(parse_requests("", "f").empty());
  CHECK(parse_requests("# only\n\n", "f").empty());
}

TEST_CASE("--exec words split as a shell splits a simple command", "[verify][exec]") {
  CHECK(command_words("php -v") == std::vector<std::string>{"php", "-v"});
  CHECK(command_words("sh -c 'echo a,b; exit 3'") ==
        std::vector<std::string>{"sh", "-c", "echo a,b; exit 3"});
  CHECK(command_words(R"(a "b \"c\" $d" e\ f)") ==
        std::vector<std::string>{"a", "b \"c\" $d", "e f"});
  CHECK(command_words("x ''") == std::vector<std::string>{"x", ""});
  CHECK_THROWS_AS(command_words("a 'b"), UsageError);
  CHECK_THROWS_AS(command_words("a \"b"), UsageError);
  CHECK_THROWS_AS(command_words("   "), UsageError);
}
