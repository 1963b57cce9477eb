#include "transport/transport.h"

#include "archive/archive.h"
#include "core/error.h"
#include "engine/daemon.h"
#include "engine/naming.h"
#include "layout/layout.h"
#include "registry/registry.h"

namespace imgstrip {

Location Location::parse(std::string_view spec) {
  Location loc;
  auto strip = [&](std::string_view prefix) {
    if (!spec.starts_with(prefix)) return false;
    spec.remove_prefix(prefix.size());
    return true;
  };
  if (strip("docker://")) {
    loc.kind = Kind::Registry;
    loc.reference = Reference::parse(spec);
    return loc;
  }
  if (strip("oci:")) {
    loc.kind = Kind::OciLayout;
    auto colon = spec.find(':');
    loc.path = std::string(spec.substr(0, colon));
    if (colon != std::string_view::npos) {
      loc.tag = std::string(spec.substr(colon + 1));
      if (loc.tag.empty()) usage_fail("oci:{}: empty tag after ':'", loc.path);
    }
    if (loc.path.empty()) usage_fail("oci: needs a directory, as oci:DIR[:TAG]");
    return loc;
  }
  if (strip("docker-archive:")) {
    loc.kind = Kind::DockerArchive;
    auto colon = spec.find(':');
    loc.path = std::string(spec.substr(0, colon));
    if (colon != std::string_view::npos) loc.reference = Reference::parse(spec.substr(colon + 1));
    if (loc.path.empty()) usage_fail("docker-archive: needs a file, as docker-archive:FILE[:REF]");
    return loc;
  }
  for (auto [prefix, kind] : {std::pair{"docker-daemon:", Kind::DockerDaemon},
                              std::pair{"containers-storage:", Kind::ContainersStorage}}) {
    if (!strip(prefix)) continue;
    loc.kind = kind;
    if (spec.empty()) usage_fail("{} needs an image name, as {}NAME[:TAG]", prefix, prefix);
    loc.name = std::string(spec);
    if (spec.starts_with("sha256:")) {  // an image ID, or a unique prefix of one
      std::string_view hex = spec.substr(7);
      if (hex.empty() || hex.size() > 64 ||
          hex.find_first_not_of("0123456789abcdef") != std::string_view::npos)
        usage_fail("{}: an image ID is sha256: and up to 64 lowercase hex digits", loc.str());
    } else {
      loc.reference = Reference::parse(spec);
    }
    return loc;
  }
  for (std::string_view unsupported : {"oci-archive:", "dir:", "ostree:", "sif:"}) {
    if (spec.starts_with(unsupported)) {
      usage_fail(
          "transport \"{}\" is not supported (use docker://, oci:, docker-archive:, "
          "docker-daemon: or containers-storage:)",
          unsupported);
    }
  }
  loc.kind = Kind::Registry;
  loc.reference = Reference::parse(spec);
  loc.name = std::string(spec);
  loc.bare = true;
  return loc;
}

std::string_view Location::transport() const {
  switch (kind) {
    case Kind::Registry:
      return "docker";
    case Kind::OciLayout:
      return "oci";
    case Kind::DockerArchive:
      return "docker-archive";
    case Kind::DockerDaemon:
      return "docker-daemon";
    case Kind::ContainersStorage:
      return "containers-storage";
  }
  return "";
}

namespace {

class MachineEngine : public LocalEngine {
 public:
  std::optional<Location::Kind> kind() override {
    if (!probed_) {
      probed_ = true;
      Environment env = process_environment();
      for (Engine e : {Engine::Docker, Engine::Podman}) {
        try {
          for (const EngineSocket& s : candidate_sockets(e, env)) {
            if (probe_socket(s.path) != SocketState::Ok) continue;
            client_ = std::make_unique<EngineClient>(s);
            kind_ = e == Engine::Docker ? Location::Kind::DockerDaemon
                                        : Location::Kind::ContainersStorage;
            return kind_;
          }
        } catch (const Error&) {
          // Not usable (a tcp:// host, not an engine): bare names go to the registry.
        }
      }
    }
    return kind_;
  }

  bool has_image(const std::string& name) override {
    if (!kind() || !client_) return false;
    return client_->inspect(name).has_value();
  }

 private:
  bool probed_ = false;
  std::optional<Location::Kind> kind_;
  std::unique_ptr<EngineClient> client_;
};

Location in_engine(const Location& bare, Location::Kind kind) {
  Location loc;
  loc.kind = kind;
  loc.name = bare.name;
  loc.reference = bare.reference;
  loc.bare = true;
  return loc;
}

}  // namespace

std::unique_ptr<LocalEngine> local_engine() {
  return std::make_unique<MachineEngine>();
}

Location resolve_source(Location where, LocalEngine& engine) {
  if (!where.bare || where.kind != Location::Kind::Registry) return where;
  auto kind = engine.kind();
  if (kind && engine.has_image(where.name)) return in_engine(where, *kind);
  return where;
}

Location resolve_target(Location where, LocalEngine& engine) {
  if (!where.bare || where.kind != Location::Kind::Registry) return where;
  if (names_registry_host(where.name)) return where;
  if (auto kind = engine.kind()) return in_engine(where, *kind);
  return where;
}

std::string Location::str() const {
  switch (kind) {
    case Kind::Registry:
      return "docker://" + reference->str();
    case Kind::OciLayout:
      return "oci:" + path + (tag.empty() ? "" : ":" + tag);
    case Kind::DockerArchive:
      return "docker-archive:" + path + (reference ? ":" + reference->str() : "");
    case Kind::DockerDaemon:
      return "docker-daemon:" + name;
    case Kind::ContainersStorage:
      return "containers-storage:" + name;
  }
  return {};
}

namespace {

// The engine of an engine location; its errors (no socket, permission denied, not an
// engine) name the image too.
std::unique_ptr<EngineClient> connect(const Location& where) {
  Engine engine = where.kind == Location::Kind::ContainersStorage ? Engine::Podman : Engine::Docker;
  try {
    return connect_engine(engine, process_environment());
  } catch (const UsageError& e) {
    usage_fail("{}: {}", where.str(), e.what());
  } catch (const Error& e) {
    fail("{}: {}", where.str(), e.what());
  }
}

}  // namespace

std::unique_ptr<ImageSource> open_source(const Location& where, const RegistryOptions& options) {
  switch (where.kind) {
    case Location::Kind::Registry:
      return open_registry_source(*where.reference, options);
    case Location::Kind::OciLayout:
      return open_layout_source(where.path, where.tag);
    case Location::Kind::DockerArchive:
      return open_archive_source(where.path, where.reference);
    case Location::Kind::DockerDaemon:
    case Location::Kind::ContainersStorage:
      return open_daemon_source(connect(where), where.name);
  }
  fail("unknown transport");
}

std::unique_ptr<ImageSink> open_sink(const Location& where, const RegistryOptions& options) {
  switch (where.kind) {
    case Location::Kind::Registry:
      return open_registry_sink(*where.reference, options);
    case Location::Kind::OciLayout:
      return open_layout_sink(where.path, where.tag);
    case Location::Kind::DockerArchive:
      return open_archive_sink(where.path, where.reference);
    case Location::Kind::DockerDaemon:
    case Location::Kind::ContainersStorage:
      if (!where.reference)
        usage_fail("{}: a destination in an engine needs NAME[:TAG]", where.str());
      return open_daemon_sink(connect(where), where.name);
  }
  fail("unknown transport");
}

}  // namespace imgstrip
