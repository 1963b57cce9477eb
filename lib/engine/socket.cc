#include "engine/socket.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace imgstrip {
namespace {

// "unix:///run/x.sock" -> "/run/x.sock"; "" for an unset or empty variable.
std::string unix_path(const std::string& var, const std::optional<std::string>& value) {
  if (!value || value->empty()) return "";
  constexpr std::string_view kScheme = "unix://";
  if (!value->starts_with(kScheme))
    usage_fail("{}={}: only unix:// sockets are supported (unix:///PATH)", var, *value);
  std::string path = value->substr(kScheme.size());
  if (path.empty() || path.front() != '/')
    usage_fail("{}={}: needs an absolute socket path, as unix:///PATH", var, *value);
  return path;
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

const char* engine_name(Engine engine) {
  return engine == Engine::Docker ? "docker" : "podman";
}

std::vector<EngineSocket> candidate_sockets(Engine engine, const Environment& env) {
  std::vector<EngineSocket> out;
  if (engine == Engine::Docker) {
    std::string path = unix_path("DOCKER_HOST", env("DOCKER_HOST"));
    if (!path.empty()) return {{engine, path, "DOCKER_HOST"}};
    return {{engine, "/var/run/docker.sock", "default"}};
  }
  std::string path = unix_path("CONTAINER_HOST", env("CONTAINER_HOST"));
  if (!path.empty()) return {{engine, path, "CONTAINER_HOST"}};
  out.push_back({engine, "/run/podman/podman.sock", "default"});
  if (auto xdg = env("XDG_RUNTIME_DIR"); xdg && !xdg->empty() && xdg->front() == '/')
    out.push_back({engine, *xdg + "/podman/podman.sock", "XDG_RUNTIME_DIR"});
  return out;
}

SocketState probe_socket(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return SocketState::Missing;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return errno == EACCES ? SocketState::Denied : SocketState::Missing;
  if (!S_ISSOCK(st.st_mode)) return SocketState::NotSocket;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketState::Refused;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::close(fd);
  if (rc == 0) return SocketState::Ok;
  if (err == EACCES || err == EPERM) return SocketState::Denied;
  if (err == ENOENT) return SocketState::Missing;
  return SocketState::Refused;
}

std::string describe(SocketState state, const std::string& path) {
  switch (state) {
    case SocketState::Ok:
      return fmt::format("engine at {}", path);
    case SocketState::Missing:
      return fmt::format("no socket at {}", path);
    case SocketState::Denied:
      return fmt::format("permission denied on {}", path);
    case SocketState::Refused:
      return fmt::format("nothing listens on {}", path);
    case SocketState::NotSocket:
      return fmt::format("{} is not a socket", path);
  }
  return path;
}

}  // namespace imgstrip
