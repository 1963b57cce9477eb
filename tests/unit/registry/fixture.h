// Test fixtures: a real docker-registry process, tiny HTTP servers (token server, fault
// proxy) and small images built in memory.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/tempdir.h"
#include "image/image.h"
#include "oci/manifest.h"
#include "registry/options.h"

namespace test {

int free_port();
// Runs a shell command; REQUIREs it to succeed.
void run(const std::string& command);
bool have(const std::string& program);
std::string slurp(const std::filesystem::path& path);
void spit(const std::filesystem::path& path, const std::string& data);

// docker-registry serving a temporary folder on 127.0.0.1:<free port>.
class Registry {
 public:
  struct Config {
    std::string auth;  // YAML under "auth:", indented by 2 (e.g. "  htpasswd: {...}")
    std::filesystem::path tls_cert, tls_key;
  };
  Registry() : Registry(Config{}) {}
  explicit Registry(const Config& config);
  ~Registry();
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  // The file holding a blob's bytes in the registry's storage.
  std::filesystem::path blob_file(const imgstrip::Digest& d) const;
  std::string log() const;

 private:
  imgstrip::TempDir dir_{"imgstrip-test-registry"};
  int port_ = 0;
  pid_t pid_ = -1;
};

// A request as read from a socket.
struct Request {
  std::string method, target, head, body;
  std::string header(const std::string& name) const;  // case-insensitive; "" if absent
};
bool read_request(int fd, Request& out);
void write_all(int fd, const std::string& data);

// Accepts connections on 127.0.0.1:<free port>; each is handled on its own thread.
class Server {
 public:
  explicit Server(std::function<void(int fd)> handle);
  ~Server();
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  std::function<void(int)> handle_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread accept_;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

// A token server for the registry's `auth: token:` mode: answers GET /token with an
// RS256 JWT (x5c header) granting what was asked for. Requires Basic user:pass when
// `user` is set.
class TokenServer {
 public:
  TokenServer(std::string user, std::string password);
  // YAML for the registry config's auth block.
  std::string auth_yaml() const;
  std::string realm() const { return "http://" + server_.host() + "/token"; }
  int tokens_issued() const { return issued_; }
  int refusals() const { return refused_; }
  std::string last_scope() const;

 private:
  void handle(int fd);
  imgstrip::TempDir dir_{"imgstrip-test-token"};
  std::string user_, password_;
  std::string x5c_;
  std::atomic<int> issued_ = 0;
  std::atomic<int> refused_ = 0;
  mutable std::mutex mutex_;
  std::string last_scope_;
  Server server_;
};

// A proxy in front of the registry that can break responses.
class FaultProxy {
 public:
  struct Fault {
    enum Kind { Pass, Status, Truncate, Reset } kind = Pass;
    int status = 0;
    std::string headers;  // extra header lines for Status, each ending in \r\n
    size_t keep = 0;      // body bytes sent before Truncate closes the connection
  };
  using Rule = std::function<Fault(const Request&)>;
  FaultProxy(int upstream_port, Rule rule = {});
  std::string host() const { return server_.host(); }
  void set_rule(Rule rule);
  // "METHOD target" of every request seen, with " range=..." when it had a Range header.
  std::vector<std::string> log() const;
  size_t count(const std::string& prefix) const;

 private:
  void handle(int fd);
  int upstream_;
  mutable std::mutex mutex_;
  Rule rule_;
  std::vector<std::string> log_;
  Server server_;
};

// A small image made in memory: an OCI manifest, a config and layers.
struct TestImage {
  std::string config;
  std::vector<std::string> layers;
  imgstrip::Manifest manifest;
  imgstrip::RawManifest raw;
};
// One gzip tar layer with a file whose content depends on `seed`, plus a second gzip tar
// layer holding `random_bytes` of incompressible data when non-zero.
TestImage make_image(const std::string& seed, const std::string& arch = "amd64",
                     size_t random_bytes = 0, bool docker = false);
// Pushes with imgstrip's sink (put_image); returns the manifest digest.
imgstrip::Digest push_image(const TestImage& image, const std::string& ref,
                            const imgstrip::RegistryOptions& options);
std::string tar_gz(const std::string& name, const std::string& content, bool gzip = true);

imgstrip::RegistryOptions insecure();

}  // namespace test
