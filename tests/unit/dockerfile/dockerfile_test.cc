#include <catch2/catch.hpp>

#include "core/error.h"
#include "dockerfile/dockerfile.h"

using namespace imgstrip;

namespace {

ImageConfig apply(std::string_view text) {
  ImageConfig c = ImageConfig::parse(
      R"({"config":{"Env":["PATH=/usr/bin","KEEP=1"],"Cmd":["old"]},"rootfs":{"type":"layers","diff_ids":[]}})",
      "base");
  apply_dockerfile(parse_dockerfile(text, "Dockerfile"), c, "Dockerfile");
  return c;
}

}  // namespace

TEST_CASE("metadata instructions are applied") {
  ImageConfig c = apply(R"(# a comment
FROM debian:bookworm
RUN apt-get update && \
    apt-get install -y nginx
ENV PATH=/usr/local/bin:/usr/bin APP="my app"
ENV LEGACY some value
EXPOSE 80 443/tcp 53/udp
USER www-data
WORKDIR /srv
LABEL org.example.team="web ops" version=1
VOLUME ["/var/lib/app", "/data"]
VOLUME /logs
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/ || exit 1
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD nginx -g 'daemon off;'
)");
  CHECK(c.env_value("PATH") == "/usr/local/bin:/usr/bin");
  CHECK(c.env_value("APP") == "my app");
  CHECK(c.env_value("LEGACY") == "some value");
  CHECK(c.env_value("KEEP") == "1");
  CHECK(c.exposed_ports() == std::vector<std::string>{"80/tcp", "443/tcp", "53/udp"});
  CHECK(c.user() == "www-data");
  CHECK(c.working_dir() == "/srv");
  CHECK(c.labels().at("org.example.team") == "web ops");
  CHECK(c.labels().at("version") == "1");
  CHECK(c.volumes() == std::vector<std::string>{"/var/lib/app", "/data", "/logs"});
  CHECK(c.json()["config"]["StopSignal"] == "SIGQUIT");
  auto hc = c.json()["config"]["Healthcheck"];
  CHECK(hc["Test"] == Json::array({"CMD-SHELL", "curl -f http://localhost/ || exit 1"}));
  CHECK(hc["Interval"] == int64_t{30'000'000'000});
  CHECK(hc["Retries"] == 3);
  CHECK(c.entrypoint() == std::vector<std::string>{"/docker-entrypoint.sh"});
  CHECK(c.cmd() == std::vector<std::string>{"/bin/sh", "-c", "nginx -g 'daemon off;'"});
}

TEST_CASE("escape directive and continuations") {
  auto ins = parse_dockerfile("# escape=`\nENV A=1 `\n    B=2\nCMD [\"x\"]\n", "D");
  REQUIRE(ins.size() == 2);
  CHECK(ins[0].keyword == "ENV");
  CHECK(ins[0].line == 2);
  CHECK(ins[1].line == 4);
  ImageConfig c = ImageConfig::parse("{}", "base");
  apply_dockerfile(ins, c, "D");
  CHECK(c.env_value("B") == "2");
}

TEST_CASE("malformed instructions name file and line") {
  CHECK_THROWS_WITH(apply("EXPOSE http\n"), Catch::Contains("Dockerfile:1: bad port"));
  CHECK_THROWS_WITH(apply("FROM x\nLABEL novalue\n"), Catch::Contains("Dockerfile:2"));
  CHECK_THROWS_WITH(apply("ENV A=\"unterminated\n"), Catch::Contains("unterminated quote"));
  CHECK_THROWS_WITH(apply("HEALTHCHECK --bogus=1 CMD true\n"), Catch::Contains("unknown"));
  CHECK_THROWS_WITH(parse_dockerfile("CMD a \\\n", "D"), Catch::Contains("ends inside"));
  CHECK(apply("HEALTHCHECK NONE\n").json()["config"]["Healthcheck"]["Test"] ==
        Json::array({"NONE"}));
}
