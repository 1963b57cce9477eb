// EngineClient against a fake engine on a unix socket: ping and negotiation over the
// wire, inspect, and a load refused inside an HTTP 200 body.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <functional>
#include <thread>

#include "core/error.h"
#include "core/stream.h"
#include "core/tempdir.h"
#include "engine/client.h"

using namespace imgstrip;

namespace {

struct Response {
  int status = 200;
  std::string headers;  // extra header lines, each ending in \r\n
  std::string body;
};

// Serves one request per connection with `answer(method, path)`; records the paths.
class FakeEngine {
 public:
  using Answer = std::function<Response(const std::string& method, const std::string& path)>;
  FakeEngine(std::filesystem::path socket, Answer answer)
      : path_(std::move(socket)), answer_(std::move(answer)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeEngine() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::atomic<size_t> body_bytes{0};

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[65536];
      for (;;) {  // keep-alive: answer requests until the client closes
        size_t end;
        while ((end = req.find("\r\n\r\n")) == std::string::npos) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) goto done;
          req.append(buf, static_cast<size_t>(n));
        }
        std::string head = req.substr(0, end);
        req.erase(0, end + 4);
        size_t length = 0;
        if (auto p = head.find("Content-Length: "); p != std::string::npos)
          length = std::stoul(head.substr(p + 16));
        while (req.size() < length) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) goto done;
          req.append(buf, static_cast<size_t>(n));
        }
        body_bytes += length;
        req.erase(0, length);
        std::string method = head.substr(0, head.find(' '));
        std::string path = head.substr(method.size() + 1);
        path = path.substr(0, path.find(' '));
        Response r = answer_(method, path);
        std::string out = "HTTP/1.1 " + std::to_string(r.status) + " X\r\n" + r.headers +
                          "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
        if (::write(c, out.data(), out.size()) < 0) break;
      }
    done:
      ::close(c);
    }
  }
  std::filesystem::path path_;
  Answer answer_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Response docker_like(const std::string& method, const std::string& path) {
  if (path == "/_ping") return {200, "Api-Version: 1.43\r\n", "OK"};
  if (path == "/v1.41/images/web:1/json") return {200, "", R"({"Id":"sha256:ab"})"};
  if (path.find("/json") != std::string::npos)
    return {404, "", R"({"message":"No such image: nope:1"})"};
  if (method == "POST" && path == "/v1.41/images/load?quiet=0")
    return {200, "",
            "{\"status\":\"Loading layer\"}\r\n"
            "{\"errorDetail\":{\"message\":\"invalid tar header\"},\"error\":\"invalid tar "
            "header\"}\r\n"};
  return {500, "", "{}"};
}

}  // namespace

TEST_CASE("the client negotiates, inspects and reports a refused load", "[engine][client]") {
  TempDir tmp("engine");
  std::filesystem::path sock = tmp.path() / "d.sock";
  FakeEngine engine(sock, docker_like);
  EngineClient client({Engine::Docker, sock.string(), "test"});
  CHECK(client.info().api == ApiVersion{1, 41});  // the server's 1.43 is newer than ours
  CHECK_FALSE(client.info().podman);
  CHECK(client.inspect("web:1"));
  CHECK_FALSE(client.inspect("nope:1"));
  std::filesystem::path archive = tmp.path() / "a.tar";
  write_file_atomic(archive, std::string(10000, 'x'));
  try {
    client.load(archive);
    FAIL("the load was accepted");
  } catch (const Error& e) {
    std::string msg = e.what();
    CHECK(msg.find("refused the image: invalid tar header") != std::string::npos);
    CHECK(msg.find(sock.string()) != std::string::npos);
  }
  CHECK(engine.body_bytes == 10000);
}

TEST_CASE("podman's service is recognised by its ping", "[engine][client]") {
  TempDir tmp("engine");
  std::filesystem::path sock = tmp.path() / "p.sock";
  FakeEngine engine(sock, [](const std::string&, const std::string& path) -> Response {
    if (path == "/_ping") return {200, "Api-Version: 1.40\r\nLibpod-Api-Version: 4.3.1\r\n", "OK"};
    return {404, "", "{}"};
  });
  EngineClient client({Engine::Podman, sock.string(), "test"});
  CHECK(client.info().podman);
  CHECK(client.info().api == ApiVersion{1, 40});
  CHECK(client.where().find("podman engine") != std::string::npos);
}

TEST_CASE("something that is not an engine is refused", "[engine][client]") {
  TempDir tmp("engine");
  std::filesystem::path sock = tmp.path() / "x.sock";
  FakeEngine engine(sock, [](const std::string&, const std::string&) -> Response {
    return {404, "", "not here"};
  });
  CHECK_THROWS_WITH(EngineClient({Engine::Docker, sock.string(), "t"}),
                    Catch::Contains("not a Docker Engine API"));
}
