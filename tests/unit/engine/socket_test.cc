#include <catch2/catch.hpp>

#include <map>

#include "core/error.h"
#include "core/tempdir.h"
#include "engine/client.h"
#include "engine/naming.h"
#include "engine/socket.h"

using namespace imgstrip;

namespace {

Environment env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("docker's socket: DOCKER_HOST, else the default", "[engine][socket]") {
  auto d = candidate_sockets(Engine::Docker, env({}));
  REQUIRE(d.size() == 1);
  CHECK(d[0].path == "/var/run/docker.sock");
  auto h = candidate_sockets(Engine::Docker, env({{"DOCKER_HOST", "unix:///tmp/d.sock"}}));
  CHECK(h[0].path == "/tmp/d.sock");
  CHECK(h[0].from == "DOCKER_HOST");
  CHECK_THROWS_AS(candidate_sockets(Engine::Docker, env({{"DOCKER_HOST", "tcp://1.2.3.4:2375"}})),
                  UsageError);
  CHECK_THROWS_AS(candidate_sockets(Engine::Docker, env({{"DOCKER_HOST", "unix://rel"}})),
                  UsageError);
}

TEST_CASE("podman's socket: CONTAINER_HOST, the root one, the user's", "[engine][socket]") {
  auto p = candidate_sockets(Engine::Podman, env({{"XDG_RUNTIME_DIR", "/run/user/1000"}}));
  REQUIRE(p.size() == 2);
  CHECK(p[0].path == "/run/podman/podman.sock");
  CHECK(p[1].path == "/run/user/1000/podman/podman.sock");
  auto c = candidate_sockets(Engine::Podman, env({{"CONTAINER_HOST", "unix:///x/p.sock"}}));
  REQUIRE(c.size() == 1);
  CHECK(c[0].path == "/x/p.sock");
}

TEST_CASE("a missing socket is one clear line", "[engine][socket]") {
  TempDir tmp("engine");
  std::string path = (tmp.path() / "none.sock").string();
  CHECK(probe_socket(path) == SocketState::Missing);
  try {
    EngineClient client({Engine::Podman, path, "test"});
    FAIL("connected to nothing");
  } catch (const Error& e) {
    std::string msg = e.what();
    CHECK(msg.find("no socket at " + path) != std::string::npos);
    CHECK(msg.find("podman system service --time=0 &") != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
  }
  CHECK(probe_socket(tmp.path().string()) == SocketState::NotSocket);
}

TEST_CASE("image names in request paths", "[engine][socket]") {
  CHECK(api_image_name("localhost/web:1") == "localhost/web:1");
  CHECK(api_image_name("a b?c#") == "a%20b%3Fc%23");
  CHECK_THROWS_AS(api_image_name(""), UsageError);
}

TEST_CASE("a registry host is a first component with '.', ':' or localhost", "[engine][naming]") {
  CHECK(names_registry_host("127.0.0.1:5000/web:1"));
  CHECK(names_registry_host("registry.example.com/web"));
  CHECK(names_registry_host("localhost/web"));
  CHECK_FALSE(names_registry_host("stripped:0.5"));  // the ':' is a tag, no '/'
  CHECK_FALSE(names_registry_host("csvs-web-like-image"));
  CHECK_FALSE(names_registry_host("library/nginx"));
  CHECK_FALSE(names_registry_host("myorg/web:1.2"));
}
