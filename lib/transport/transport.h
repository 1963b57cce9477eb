// Transport names like skopeo's: "docker://REF" for a registry, "oci:DIR[:TAG]" for an
// OCI image layout, "docker-archive:FILE[:REF]" for a docker save tarball,
// "docker-daemon:REF" for the local Docker engine and "containers-storage:REF" for
// podman's (through its Docker-compatible service). A bare REF is resolved as docker
// does (resolve_source / resolve_target). Opening one gives the ImageSource or ImageSink
// behind it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "image/sink.h"
#include "image/source.h"
#include "oci/reference.h"
#include "registry/options.h"

namespace imgstrip {

struct Location {
  enum class Kind { Registry, OciLayout, DockerArchive, DockerDaemon, ContainersStorage };
  Kind kind = Kind::Registry;
  std::optional<Reference> reference;  // registry, engines; docker-archive's optional REF
  std::string path;                    // oci / docker-archive
  std::string tag;                     // oci's optional TAG
  std::string name;                    // engines: the name as written (the engine resolves it)
  bool bare = false;                   // written without a transport prefix

  // Throws UsageError naming the problem ("unknown transport \"foo:\"", bad reference).
  static Location parse(std::string_view spec);
  std::string str() const;
  // "docker", "oci", "docker-archive", "docker-daemon", "containers-storage".
  std::string_view transport() const;
  bool local_engine() const {
    return kind == Kind::DockerDaemon || kind == Kind::ContainersStorage;
  }
};

// The local engine as bare names see it: Docker's socket when it answers, else podman's.
class LocalEngine {
 public:
  virtual ~LocalEngine() = default;
  // DockerDaemon or ContainersStorage; nullopt when no engine is reachable.
  virtual std::optional<Location::Kind> kind() = 0;
  virtual bool has_image(const std::string& name) = 0;
};
// The engines of this machine (DOCKER_HOST, CONTAINER_HOST and the default sockets).
std::unique_ptr<LocalEngine> local_engine();

// Docker's rule for bare names. A bare source is the local engine's image when an engine
// is reachable and has it, else the registry's. A bare target whose first component is
// not a registry host (no '.' or ':', not localhost) goes to the local engine when one is
// reachable. Prefixed locations are returned as they are, and the engine is not asked.
Location resolve_source(Location where, LocalEngine& engine);
Location resolve_target(Location where, LocalEngine& engine);

std::unique_ptr<ImageSource> open_source(const Location& where, const RegistryOptions& options);
std::unique_ptr<ImageSink> open_sink(const Location& where, const RegistryOptions& options);

}  // namespace imgstrip
