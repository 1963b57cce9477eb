// Where a local engine listens: Docker at DOCKER_HOST (unix://PATH) or
// /var/run/docker.sock; podman's Docker-compatible service at CONTAINER_HOST,
// /run/podman/podman.sock or $XDG_RUNTIME_DIR/podman/podman.sock. Only unix sockets:
// a tcp:// engine is refused with a clear error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace imgstrip {

// Reads an environment variable (getenv by default; tests pass a map).
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

enum class Engine { Docker, Podman };
// "docker" / "podman".
const char* engine_name(Engine engine);

struct EngineSocket {
  Engine engine = Engine::Docker;
  std::string path;  // the socket file
  std::string from;  // how it was found: "DOCKER_HOST", "default", ...
};

// The socket to try for `engine`, first choice first (podman has several defaults; the
// first that exists is the one). Throws UsageError for a DOCKER_HOST / CONTAINER_HOST that
// is not unix://.
std::vector<EngineSocket> candidate_sockets(Engine engine, const Environment& env);

// What connecting to a socket file gives, before any HTTP is spoken.
enum class SocketState { Ok, Missing, Denied, Refused, NotSocket };
SocketState probe_socket(const std::string& path);

// One clause for a message: "no socket at /var/run/docker.sock", "permission denied on ...".
std::string describe(SocketState state, const std::string& path);

}  // namespace imgstrip
