// The containers verify runs, driven through the engine's command line (podman or docker):
// `run -d`, `exec`, `logs`, `port`, `inspect`, `rm`. The CLI, rather than the
// Engine API of lib/engine, because it is what a user runs, it needs no API service for
// podman, and it honours the engine's own configuration (CONTAINERS_CONF, DOCKER_HOST,
// DOCKER_CONTEXT) with nothing of this machine's hard-coded.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "verify/process.h"

namespace imgstrip::verify {

enum class EngineKind { Podman, Docker };

struct Engine {
  EngineKind kind = EngineKind::Podman;
  std::string program;  // "podman" or "docker"
};

// `wanted` "podman" or "docker"; else docker when DOCKER_HOST is set (the user points at a
// Docker engine), podman when it is in PATH, docker otherwise.
// Throws UsageError for another name or when neither is installed.
Engine choose_engine(const std::optional<std::string>& wanted);

// Whether the engine has an image by this name.
bool image_present(const Engine& engine, const std::string& ref);
// `engine load -i FILE` of a docker-archive. Throws Error with the engine's message.
void load_image_archive(const Engine& engine, const std::string& file);
void remove_image(const Engine& engine, const std::string& ref) noexcept;

struct ImageInfo {
  std::map<std::string, std::string> labels;
  std::vector<int> tcp_ports;        // exposed, sorted
  std::vector<std::string> volumes;  // declared ("/data")
  // The HEALTHCHECK as the engine runs it inside the container (CMD: its argv; CMD-SHELL:
  // the image's shell, /bin/sh -c by default, and the text); empty: none, or NONE.
  std::vector<std::string> healthcheck;
};
ImageInfo inspect_image(const Engine& engine, const std::string& ref);

// "80/tcp" -> 80; nullopt for udp and malformed keys.
std::optional<int> tcp_port(const std::string& exposed_key);

// A container that exists from start() until the object goes (removed with `rm -f`).
class Container {
 public:
  Container(Engine engine, std::string name) : engine_(std::move(engine)), name_(std::move(name)) {}
  ~Container();
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;

  // `run -d --name NAME --label io.imgstrip.verify=1 FLAGS IMAGE`. Throws Error with the
  // engine's message.
  void start(const std::string& image, const std::vector<std::string>& flags);
  // Attaches `strace -f -Z` (failed calls only) to every process in the container's pid
  // namespace, writing to `file`; false when there is no process to attach to.
  bool attach_trace(const std::string& file);
  const std::string& name() const { return name_; }
  bool running() const;
  std::string logs() const;
  // The host port a container port was published to; nullopt when it is not.
  std::optional<int> host_port(int container_port) const;
  ProcessResult exec(const std::vector<std::string>& argv) const;
  // The host path of the container's root (root engines; "" when unknown).
  std::string root_dir() const;
  // Stops the tracer (it detaches); the trace file is complete afterwards.
  void stop_trace();
  void remove() noexcept;

 private:
  std::string inspect(const std::string& format) const;
  Engine engine_;
  std::string name_;
  bool exists_ = false;
  pid_t tracer_ = -1;
};

}  // namespace imgstrip::verify
