#include "fixture.h"

#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "core/error.h"
#include "image/copy.h"
#include "oci/media_types.h"
#include "oci/reference.h"
#include "registry/http.h"
#include "registry/registry.h"

namespace test {

using namespace imgstrip;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

void run(const std::string& command) {
  int rc = std::system(("(" + command + ") >/dev/null 2>&1").c_str());
  INFO(command);
  REQUIRE(rc == 0);
}

bool have(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

namespace {

bool can_connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string b64url(const std::string& data) {
  std::string s = base64_encode(data);
  while (!s.empty() && s.back() == '=')
    s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

}  // namespace

Registry::Registry(const Config& config) {
  port_ = free_port();
  std::string yaml =
      "version: 0.1\n"
      "log:\n  level: warn\n  accesslog: {disabled: true}\n"
      "storage:\n  filesystem: {rootdirectory: " +
      (dir() / "data").string() +
      "}\n  delete: {enabled: true}\n"
      "http:\n  addr: " +
      host() + "\n";
  if (!config.tls_cert.empty()) {
    yaml += "  tls: {certificate: " + config.tls_cert.string() +
            ", key: " + config.tls_key.string() + "}\n";
  }
  if (!config.auth.empty()) yaml += "auth:\n" + config.auth;
  spit(dir() / "config.yml", yaml);
  std::string log = (dir() / "log").string();
  std::string conf = (dir() / "config.yml").string();
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    FILE* f = std::freopen(log.c_str(), "w", stdout);
    (void)f;
    ::dup2(STDOUT_FILENO, STDERR_FILENO);
    ::execlp("docker-registry", "docker-registry", "serve", conf.c_str(), nullptr);
    ::_exit(127);
  }
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!can_connect(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("docker-registry exited: " << slurp(dir() / "log"));
    }
    REQUIRE(std::chrono::steady_clock::now() < until);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Registry::~Registry() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::filesystem::path Registry::blob_file(const Digest& d) const {
  return dir() / "data/docker/registry/v2/blobs" / d.algorithm / d.hex.substr(0, 2) / d.hex /
         "data";
}

std::string Registry::log() const {
  return slurp(dir() / "log");
}

std::string Request::header(const std::string& name) const {
  std::istringstream lines(head);
  std::string line;
  std::string want = lower(name) + ":";
  while (std::getline(lines, line)) {
    if (lower(line).starts_with(want)) {
      std::string v = line.substr(want.size());
      while (!v.empty() && (v.front() == ' '))
        v.erase(0, 1);
      while (!v.empty() && (v.back() == '\r' || v.back() == ' '))
        v.pop_back();
      return v;
    }
  }
  return "";
}

bool read_request(int fd, Request& out) {
  unsigned char lead = 0;
  if (::recv(fd, &lead, 1, MSG_PEEK) == 1 && lead == 0x16) {  // a TLS handshake
    write_all(fd, "HTTP/1.0 400 Bad Request\r\n\r\n");
    return false;
  }
  std::string data;
  char buf[65536];
  size_t end;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t got = ::read(fd, buf, sizeof buf);
    if (got <= 0) return false;
    data.append(buf, static_cast<size_t>(got));
  }
  out.head = data.substr(0, end + 4);
  out.body = data.substr(end + 4);
  std::istringstream first(out.head);
  first >> out.method >> out.target;
  std::string length = out.header("content-length");
  size_t want = length.empty() ? 0 : std::stoull(length);
  while (out.body.size() < want) {
    ssize_t got = ::read(fd, buf, sizeof buf);
    if (got <= 0) return false;
    out.body.append(buf, static_cast<size_t>(got));
  }
  return true;
}

void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t put = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (put <= 0) return;
    done += static_cast<size_t>(put);
  }
}

Server::Server(std::function<void(int)> handle) : handle_(std::move(handle)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  REQUIRE(::listen(listen_fd_, 64) == 0);
  accept_ = std::thread([this] {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval tv{20, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::lock_guard lock(mutex_);
      workers_.emplace_back([this, fd] {
        handle_(fd);
        ::close(fd);
      });
    }
  });
}

Server::~Server() {
  stop_ = true;
  accept_.join();
  std::lock_guard lock(mutex_);
  for (auto& w : workers_)
    w.join();
  ::close(listen_fd_);
}

TokenServer::TokenServer(std::string user, std::string password)
    : user_(std::move(user)),
      password_(std::move(password)),
      server_([this](int fd) { handle(fd); }) {
  auto d = dir_.path();
  run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + (d / "key.pem").string() + " -out " +
      (d / "cert.pem").string() + " -days 2 -subj /CN=token-issuer");
  FILE* f = std::fopen((d / "cert.pem").c_str(), "r");
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  unsigned char* der = nullptr;
  int n = i2d_X509(cert, &der);
  x5c_ = base64_encode(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(n)));
  OPENSSL_free(der);
  X509_free(cert);
}

std::string TokenServer::auth_yaml() const {
  return "  token:\n    realm: http://" + server_.host() +
         "/token\n    service: test-registry\n    issuer: test-issuer\n    rootcertbundle: " +
         (dir_.path() / "cert.pem").string() + "\n";
}

std::string TokenServer::last_scope() const {
  std::lock_guard lock(mutex_);
  return last_scope_;
}

void TokenServer::handle(int fd) {
  Request req;
  if (!read_request(fd, req)) return;
  auto reply = [&](int status, const std::string& body) {
    write_all(fd, "HTTP/1.1 " + std::to_string(status) +
                      " X\r\nContent-Type: application/json\r\nConnection: close\r\n"
                      "Content-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  if (!user_.empty() &&
      req.header("authorization") != "Basic " + base64_encode(user_ + ":" + password_)) {
    ++refused_;
    reply(401, R"({"details":"bad credentials"})");
    return;
  }
  Json access = Json::array();
  std::string scopes;
  auto q = req.target.find('?');
  std::string query = q == std::string::npos ? "" : req.target.substr(q + 1);
  std::istringstream parts(query);
  std::string kv;
  while (std::getline(parts, kv, '&')) {
    if (!kv.starts_with("scope=")) continue;
    std::string scope = url_decode(kv.substr(6));  // repository:NAME:ACTIONS
    scopes += scope + " ";
    auto first = scope.find(':');
    auto last = scope.rfind(':');
    if (first == last) continue;
    Json actions = Json::array();
    std::istringstream as(scope.substr(last + 1));
    std::string a;
    while (std::getline(as, a, ','))
      actions.push_back(a);
    access.push_back({{"type", scope.substr(0, first)},
                      {"name", scope.substr(first + 1, last - first - 1)},
                      {"actions", actions}});
  }
  {
    std::lock_guard lock(mutex_);
    last_scope_ = scopes;
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  Json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5c", Json::array({x5c_})}};
  Json claims = {{"iss", "test-issuer"},
                 {"sub", user_},
                 {"aud", "test-registry"},
                 {"exp", now + 300},
                 {"nbf", now - 10},
                 {"iat", now},
                 {"jti", std::to_string(now) + "-" + std::to_string(issued_.load())},
                 {"access", access}};
  std::string signing_input = b64url(header.dump()) + "." + b64url(claims.dump());
  FILE* f = std::fopen((dir_.path() / "key.pem").c_str(), "r");
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSignUpdate(ctx, signing_input.data(), signing_input.size());
  size_t len = 0;
  EVP_DigestSignFinal(ctx, nullptr, &len);
  std::string sig(len, '\0');
  EVP_DigestSignFinal(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len);
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  ++issued_;
  std::string token = signing_input + "." + b64url(sig);
  reply(200, Json({{"token", token}, {"expires_in", 300}}).dump());
}

FaultProxy::FaultProxy(int upstream_port, Rule rule)
    : upstream_(upstream_port), rule_(std::move(rule)), server_([this](int fd) { handle(fd); }) {}

void FaultProxy::set_rule(Rule rule) {
  std::lock_guard lock(mutex_);
  rule_ = std::move(rule);
}

std::vector<std::string> FaultProxy::log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

size_t FaultProxy::count(const std::string& prefix) const {
  size_t n = 0;
  for (const auto& l : log())
    n += l.starts_with(prefix) ? 1 : 0;
  return n;
}

void FaultProxy::handle(int fd) {
  Request req;
  if (!read_request(fd, req)) return;
  Fault fault;
  {
    std::lock_guard lock(mutex_);
    std::string entry = req.method + " " + req.target;
    if (!req.header("range").empty()) entry += " range=" + req.header("range");
    log_.push_back(entry);
    if (rule_) fault = rule_(req);
  }
  if (fault.kind == Fault::Reset) {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    return;
  }
  if (fault.kind == Fault::Status) {
    write_all(fd, "HTTP/1.1 " + std::to_string(fault.status) +
                      " Fault\r\nContent-Length: 0\r\nConnection: close\r\n" + fault.headers +
                      "\r\n");
    return;
  }
  // Forward with "Connection: close" and relay the whole response.
  std::istringstream lines(req.head);
  std::string line, head;
  while (std::getline(lines, line)) {
    if (line == "\r" || line.empty()) break;
    std::string l = lower(line);
    if (l.starts_with("connection:") || l.starts_with("keep-alive:")) continue;
    head += line + "\n";
  }
  head += "Connection: close\r\n\r\n";
  int up = connect_to(upstream_);
  if (up < 0) return;
  write_all(up, head + req.body);
  std::string response;
  char buf[65536];
  for (;;) {
    ssize_t got = ::read(up, buf, sizeof buf);
    if (got <= 0) break;
    response.append(buf, static_cast<size_t>(got));
  }
  ::close(up);
  if (fault.kind == Fault::Truncate) {
    size_t end = response.find("\r\n\r\n");
    if (end != std::string::npos) response = response.substr(0, end + 4 + fault.keep);
  }
  write_all(fd, response);
}

std::string tar_gz(const std::string& name, const std::string& content, bool gzip) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  auto writer = [](archive*, void* data, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(data)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  archive_write_open(a, &out, nullptr, writer, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
  archive_entry_set_mtime(e, 1700000000, 0);
  archive_write_header(a, e);
  archive_write_data(a, content.data(), content.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

TestImage make_image(const std::string& seed, const std::string& arch, size_t random_bytes,
                     bool docker) {
  TestImage img;
  std::string content = "hello from " + seed + "\n";
  img.layers.push_back(tar_gz("seed.txt", content));
  Json diff_ids = Json::array({sha256_of(tar_gz("seed.txt", content, false)).str()});
  if (random_bytes > 0) {
    std::mt19937_64 rng(std::hash<std::string>{}(seed));
    std::string data(random_bytes, '\0');
    for (auto& c : data)
      c = static_cast<char>(rng());
    diff_ids.push_back(sha256_of(tar_gz("random.bin", data, false)).str());
    img.layers.push_back(tar_gz("random.bin", data));
  }
  Json config = {{"architecture", arch},
                 {"os", "linux"},
                 {"config", {{"Env", Json::array({"SEED=" + seed})}}},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  img.config = config.dump();
  std::string type(docker ? media::kDockerManifest : media::kOciManifest);
  Json layers = Json::array();
  for (const auto& l : img.layers) {
    layers.push_back({{"mediaType", docker ? media::kDockerLayerGzip : media::kOciLayerGzip},
                      {"digest", sha256_of(l).str()},
                      {"size", l.size()}});
  }
  Json manifest = {{"schemaVersion", 2},
                   {"mediaType", type},
                   {"config",
                    {{"mediaType", docker ? media::kDockerConfig : media::kOciConfig},
                     {"digest", sha256_of(img.config).str()},
                     {"size", img.config.size()}}},
                   {"layers", layers}};
  img.raw = RawManifest::of(type, manifest.dump());
  img.manifest = Manifest::parse(img.raw.bytes, type, "test image");
  return img;
}

Digest push_image(const TestImage& image, const std::string& ref, const RegistryOptions& options) {
  auto sink = open_registry_sink(Reference::parse(ref), options);
  std::vector<BlobToWrite> layers;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    std::string bytes = image.layers[i];
    layers.push_back({image.manifest.layers[i], [bytes]() -> std::unique_ptr<ReadStream> {
                        return std::make_unique<StringReader>(bytes);
                      }});
  }
  return put_image(*sink, image.manifest, image.config, layers, {}, &image.raw).digest;
}

RegistryOptions insecure() {
  RegistryOptions o;
  o.tls_verify = false;
  o.retries = 3;
  o.retry_delay = std::chrono::milliseconds(20);
  return o;
}

}  // namespace test
