// A client of a local engine's Docker Engine API on a unix socket (Docker, or podman's
// Docker-compatible service): ping and version negotiation, inspect, save (export) and
// load (import). Every error names the socket; the caller adds the image.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/ping.h"
#include "engine/socket.h"
#include "oci/manifest.h"
#include "registry/http.h"

namespace imgstrip {

class EngineClient {
 public:
  // Connects and negotiates the API version (GET /_ping). Throws Error: no socket,
  // permission denied, nothing listening, not an engine.
  explicit EngineClient(EngineSocket socket);

  const EngineSocket& socket() const { return socket_; }
  const PingInfo& info() const { return ping_; }
  // "the docker engine at /var/run/docker.sock", for messages.
  std::string where() const;

  // GET /images/NAME/json; nullopt when the engine has no such image.
  std::optional<Json> inspect(const std::string& name);
  // GET /images/NAME/get, streamed into `file` (a docker-archive tar).
  void save(const std::string& name, const std::filesystem::path& file);
  // POST /images/load with the archive in `file`; the names the engine reports loaded.
  // Throws Error with the engine's own message when it refuses the archive (which it says
  // inside an HTTP 200 body).
  std::vector<std::string> load(const std::filesystem::path& file);

 private:
  std::unique_ptr<HttpTransfer> send(HttpRequest request);
  std::string versioned(const std::string& path) const;
  // The engine's {"message": ...} of an error response, one line.
  std::string error_message(HttpTransfer& t);

  EngineSocket socket_;
  Http http_;
  PingInfo ping_;
};

// The first reachable engine of this kind (see candidate_sockets), connected. Throws Error
// saying what was tried and, for podman, how to start its service.
std::unique_ptr<EngineClient> connect_engine(Engine engine, const Environment& env);

// A path segment for an image name in a request ("web:1", "localhost/web:1", "sha256:..."):
// anything else than [A-Za-z0-9._/:@-] percent-encoded. Throws UsageError for an empty name.
std::string api_image_name(const std::string& name);

}  // namespace imgstrip
