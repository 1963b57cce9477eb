#include "engine/client.h"

#include <fmt/format.h>

#include <cctype>

#include "core/error.h"
#include "engine/messages.h"

namespace imgstrip {
namespace {

constexpr size_t kMaxErrorBody = 64 << 10;
constexpr size_t kMaxInspectBody = 4 << 20;

std::string start_hint(Engine engine) {
  if (engine == Engine::Podman)
    return "start podman's service with `podman system service --time=0 &` (or set "
           "CONTAINER_HOST=unix:///PATH)";
  return "start dockerd, or set DOCKER_HOST=unix:///PATH";
}

}  // namespace

std::string api_image_name(const std::string& name) {
  if (name.empty()) usage_fail("an empty image name");
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '.' || c == '_' || c == '/' || c == ':' || c == '@' || c == '-') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

EngineClient::EngineClient(EngineSocket socket) : socket_(std::move(socket)), http_(TlsSettings{}) {
  SocketState state = probe_socket(socket_.path);
  if (state != SocketState::Ok)
    fail("{} engine: {} ({})", engine_name(socket_.engine), describe(state, socket_.path),
         state == SocketState::Denied ? "run as root or join the engine's group"
                                      : start_hint(socket_.engine));
  HttpRequest r;
  r.url = "http://localhost/_ping";
  auto t = send(std::move(r));
  if (t->status() != 200)
    fail("{}: /_ping answered HTTP {}: not a Docker Engine API", where(), t->status());
  t->read_body(1024);
  try {
    ping_ = negotiate(t->header("Api-Version"), t->header("Libpod-Api-Version"));
  } catch (const Error& e) {
    fail("{}: {}", where(), e.what());
  }
}

std::string EngineClient::where() const {
  std::string kind = ping_.podman ? "podman" : engine_name(socket_.engine);
  return fmt::format("the {} engine at {}", kind, socket_.path);
}

std::string EngineClient::versioned(const std::string& path) const {
  return "http://localhost/v" + ping_.api.str() + path;
}

std::unique_ptr<HttpTransfer> EngineClient::send(HttpRequest request) {
  request.unix_socket = socket_.path;
  request.follow_redirects = false;
  request.retry = false;
  auto t = http_.start(request);
  try {
    t->wait_headers();
  } catch (const TransportError& e) {
    fail("{} engine at {}: {}", engine_name(socket_.engine), socket_.path, e.what());
  }
  return t;
}

std::string EngineClient::error_message(HttpTransfer& t) {
  std::string body;
  try {
    body = t.read_body(kMaxErrorBody);
  } catch (const Error&) {
  }
  Json j = Json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string())
    return engine_text(j["message"].get<std::string>());
  return fmt::format("HTTP {}", t.status());
}

std::optional<Json> EngineClient::inspect(const std::string& name) {
  HttpRequest r;
  r.url = versioned("/images/" + api_image_name(name) + "/json");
  auto t = send(std::move(r));
  if (t->status() == 404) {
    t->read_body(kMaxErrorBody);
    return std::nullopt;
  }
  if (t->status() != 200) fail("{}: inspecting {}: {}", where(), name, error_message(*t));
  std::string body = t->read_body(kMaxInspectBody + 1);
  if (body.size() > kMaxInspectBody) fail("{}: inspecting {}: answer too large", where(), name);
  Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) fail("{}: inspecting {}: the answer is not a JSON object", where(), name);
  return j;
}

void EngineClient::save(const std::string& name, const std::filesystem::path& file) {
  HttpRequest r;
  r.url = versioned("/images/" + api_image_name(name) + "/get");
  auto t = send(std::move(r));
  if (t->status() != 200) fail("{}: exporting {}: {}", where(), name, error_message(*t));
  FileWriter out(file);
  try {
    copy_stream(*t, out);
  } catch (const TransportError& e) {
    fail("{}: exporting {}: {}", where(), name, e.what());
  }
  out.close();
}

std::vector<std::string> EngineClient::load(const std::filesystem::path& file) {
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) fail("{}: {}", file.string(), ec.message());
  HttpRequest r;
  r.method = "POST";
  r.url = versioned("/images/load?quiet=0");
  r.headers = {"Content-Type: application/x-tar"};
  r.body = [file] { return std::make_unique<FileReader>(file); };
  r.body_size = size;
  auto t = send(std::move(r));
  if (t->status() != 200) fail("{} refused the image: {}", where(), error_message(*t));
  MessageStream messages;
  char buf[16384];
  try {
    while (size_t n = t->read(buf, sizeof buf))
      messages.feed(std::string_view(buf, n));
  } catch (const TransportError& e) {
    fail("{}: loading: {}", where(), e.what());
  }
  messages.finish();
  if (messages.error()) fail("{} refused the image: {}", where(), *messages.error());
  return messages.loaded();
}

std::unique_ptr<EngineClient> connect_engine(Engine engine, const Environment& env) {
  std::vector<EngineSocket> candidates = candidate_sockets(engine, env);
  for (const EngineSocket& s : candidates) {
    if (probe_socket(s.path) != SocketState::Missing) return std::make_unique<EngineClient>(s);
  }
  return std::make_unique<EngineClient>(candidates.front());  // fails naming the default
}

}  // namespace imgstrip
