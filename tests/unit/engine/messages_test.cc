#include <catch2/catch.hpp>

#include <string>

#include "engine/messages.h"

using namespace imgstrip;

namespace {

MessageStream parse(std::string_view body, size_t step = 0) {
  MessageStream m;
  if (step == 0) {
    m.feed(body);
  } else {
    for (size_t i = 0; i < body.size(); i += step)
      m.feed(body.substr(i, step));
  }
  m.finish();
  return m;
}

}  // namespace

TEST_CASE("docker's load answer: progress, then the loaded image", "[engine][messages]") {
  std::string body =
      "{\"status\":\"Loading layer\",\"progressDetail\":{\"current\":32768,\"total\":1048576},"
      "\"progress\":\"[=>   ]\",\"id\":\"5f70bf18a086\"}\r\n"
      "{\"stream\":\"Loaded image: stripped:0.5\\n\"}\r\n";
  for (size_t step : {0, 1, 3, 17}) {
    MessageStream m = parse(body, step);
    CHECK_FALSE(m.error());
    REQUIRE(m.loaded() == std::vector<std::string>{"stripped:0.5"});
    CHECK(m.messages() == 2);
  }
}

TEST_CASE("podman's load answer names images with their registry", "[engine][messages]") {
  MessageStream m = parse("{\"stream\":\"Loaded image(s): localhost/a:1,localhost/b:2\\n\"}\n");
  CHECK_FALSE(m.error());
  CHECK(m.loaded() == std::vector<std::string>{"localhost/a:1", "localhost/b:2"});
  CHECK(parse("{\"stream\":\"Loaded image ID: sha256:abc\\n\"}").loaded() ==
        std::vector<std::string>{"sha256:abc"});
}

TEST_CASE("an error inside an HTTP 200 body is the load's error", "[engine][messages]") {
  MessageStream m = parse(
      "{\"status\":\"Loading layer\"}\n"
      "{\"errorDetail\":{\"message\":\"open /var/lib/docker/tmp/x: no space left on device\"},"
      "\"error\":\"open /var/lib/docker/tmp/x: no space left on device\"}\n");
  REQUIRE(m.error());
  CHECK(*m.error() == "open /var/lib/docker/tmp/x: no space left on device");
  CHECK(m.loaded().empty());
  // Only "error", and an error that is not a string.
  CHECK(*parse("{\"error\":\"unexpected EOF\"}").error() == "unexpected EOF");
  CHECK(parse("{\"error\":{\"x\":1}}").error());
  // The first error wins; control characters do not reach the message.
  MessageStream two = parse("{\"error\":\"first\\nline\"}{\"error\":\"second\"}");
  CHECK(*two.error() == "first line");
}

TEST_CASE("braces and quotes inside strings do not end a message", "[engine][messages]") {
  MessageStream m = parse("{\"stream\":\"a } { \\\" \\\\\"}{\"stream\":\"Loaded image: x:1\"}");
  CHECK_FALSE(m.error());
  CHECK(m.loaded() == std::vector<std::string>{"x:1"});
}

TEST_CASE("a malformed stream is an error, never a crash", "[engine][messages]") {
  CHECK(parse("<html>502 Bad Gateway</html>").error());
  CHECK(parse("{\"stream\":\"Loaded image: x:1\"").error());  // cut off
  CHECK(parse("{\"stream\": tru}").error());                  // not JSON
  CHECK(parse("[1,2]").error());                              // not an object
  CHECK(parse(std::string(100, '{')).error());                // too deep
  CHECK(parse(std::string(100, '[')).error());
  std::string huge = "{\"stream\":\"" + std::string(MessageStream::kMaxMessageBytes, 'a') + "\"}";
  MessageStream m = parse(huge + "{\"stream\":\"Loaded image: y:2\"}");
  CHECK(m.error());
  CHECK(m.loaded() == std::vector<std::string>{"y:2"});  // framing survives an overlong one
  CHECK_FALSE(parse("").error());
  CHECK_FALSE(parse(" \r\n\t").error());
}

TEST_CASE("names kept are bounded", "[engine][messages]") {
  std::string body;
  for (int i = 0; i < 1000; ++i)
    body += "{\"stream\":\"Loaded image: n" + std::to_string(i) + ":1\"}";
  CHECK(parse(body).loaded().size() == MessageStream::kMaxNames);
}
