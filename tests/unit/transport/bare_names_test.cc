#include <catch2/catch.hpp>

#include <set>

#include "core/error.h"
#include "transport/transport.h"

using namespace imgstrip;

namespace {

// An engine that holds `images`, or none at all.
class FakeEngine : public LocalEngine {
 public:
  std::optional<Location::Kind> reachable = Location::Kind::DockerDaemon;
  std::set<std::string> images;
  int asked = 0;
  std::optional<Location::Kind> kind() override { return reachable; }
  bool has_image(const std::string& name) override {
    ++asked;
    return images.count(name) > 0;
  }
};

}  // namespace

TEST_CASE("engine transports parse", "[transport][engine]") {
  auto d = Location::parse("docker-daemon:stripped:0.5");
  CHECK(d.kind == Location::Kind::DockerDaemon);
  CHECK(d.name == "stripped:0.5");
  CHECK(d.reference->str() == "docker.io/library/stripped:0.5");
  CHECK_FALSE(d.bare);
  CHECK(d.str() == "docker-daemon:stripped:0.5");
  CHECK(d.transport() == "docker-daemon");
  auto c = Location::parse("containers-storage:localhost/web");
  CHECK(c.kind == Location::Kind::ContainersStorage);
  CHECK(c.reference->str() == "localhost/web:latest");
  CHECK(c.transport() == "containers-storage");
  CHECK(Location::parse("docker-daemon:sha256:0123").name == "sha256:0123");
  CHECK_THROWS_AS(Location::parse("docker-daemon:sha256:../../containers"), UsageError);
  CHECK_THROWS_AS(Location::parse("docker-daemon:sha256:"), UsageError);
  CHECK_THROWS_AS(Location::parse("docker-daemon:"), UsageError);
  CHECK_THROWS_AS(Location::parse("containers-storage:Bad Name"), UsageError);
  CHECK(Location::parse("nginx").bare);
  CHECK_FALSE(Location::parse("docker://nginx").bare);
}

TEST_CASE("a bare source is the engine's image when it has one", "[transport][engine]") {
  FakeEngine engine;
  engine.images = {"csvs-web-like-image"};
  auto in = resolve_source(Location::parse("csvs-web-like-image"), engine);
  CHECK(in.kind == Location::Kind::DockerDaemon);
  CHECK(in.name == "csvs-web-like-image");
  CHECK(in.bare);
  // Not in the engine: the registry, as before.
  auto reg = resolve_source(Location::parse("nginx"), engine);
  CHECK(reg.kind == Location::Kind::Registry);
  // A registry host in the name does not stop a local lookup (docker run does the same).
  engine.images.insert("127.0.0.1:5000/web:1");
  CHECK(resolve_source(Location::parse("127.0.0.1:5000/web:1"), engine).kind ==
        Location::Kind::DockerDaemon);
  // podman's service is the engine: containers-storage.
  engine.reachable = Location::Kind::ContainersStorage;
  CHECK(resolve_source(Location::parse("csvs-web-like-image"), engine).kind ==
        Location::Kind::ContainersStorage);
  // No engine: the registry, and nothing is asked.
  engine.reachable = std::nullopt;
  engine.asked = 0;
  CHECK(resolve_source(Location::parse("csvs-web-like-image"), engine).kind ==
        Location::Kind::Registry);
  CHECK(engine.asked == 0);
}

TEST_CASE("a bare target without a registry host goes to the engine", "[transport][engine]") {
  FakeEngine engine;
  auto t = resolve_target(Location::parse("stripped:0.5"), engine);
  CHECK(t.kind == Location::Kind::DockerDaemon);
  CHECK(t.reference->str() == "docker.io/library/stripped:0.5");
  CHECK(resolve_target(Location::parse("myorg/web"), engine).kind == Location::Kind::DockerDaemon);
  for (const char* registry : {"127.0.0.1:5000/stripped:0.5", "localhost/s", "quay.io/x/y"})
    CHECK(resolve_target(Location::parse(registry), engine).kind == Location::Kind::Registry);
  engine.reachable = std::nullopt;
  CHECK(resolve_target(Location::parse("stripped:0.5"), engine).kind == Location::Kind::Registry);
}

TEST_CASE("prefixes always mean what they say", "[transport][engine]") {
  FakeEngine engine;
  engine.images = {"nginx"};
  for (const char* spec : {"docker://nginx", "oci:/tmp/x:nginx", "docker-archive:/tmp/a.tar"}) {
    CHECK(resolve_source(Location::parse(spec), engine).kind == Location::parse(spec).kind);
    CHECK(resolve_target(Location::parse(spec), engine).kind == Location::parse(spec).kind);
  }
  CHECK(engine.asked == 0);
  engine.reachable = std::nullopt;
  CHECK(resolve_target(Location::parse("docker-daemon:x:1"), engine).kind ==
        Location::Kind::DockerDaemon);
}
