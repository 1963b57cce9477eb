#include "registry/http.h"

#include "core/text.h"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace imgstrip {

struct HttpTransfer::Handles {
  CURLM* multi = curl_multi_init();
  CURL* easy = curl_easy_init();
  curl_slist* headers = nullptr;
  ~Handles() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }
};

namespace {

constexpr size_t kPauseAbove = 1 << 20;  // stop curl once this much body is waiting

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool tls_failure(CURLcode c) {
  return c == CURLE_SSL_CONNECT_ERROR || c == CURLE_PEER_FAILED_VERIFICATION ||
         c == CURLE_SSL_CERTPROBLEM || c == CURLE_SSL_CIPHER || c == CURLE_SSL_CACERT_BADFILE ||
         c == CURLE_SSL_ISSUER_ERROR || c == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
         c == CURLE_SSL_INVALIDCERTSTATUS;
}

// Adds the extra CA certificates to the context curl made (the system CAs stay trusted).
CURLcode add_cas(CURL*, void* ssl_ctx, void* settings) {
  auto* tls = static_cast<const TlsSettings*>(settings);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  for (const auto& file : tls->ca_files) {
    FILE* f = std::fopen(file.c_str(), "r");
    if (f == nullptr) continue;
    while (X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, cert);
      X509_free(cert);
    }
    ERR_clear_error();
    std::fclose(f);
  }
  return CURLE_OK;
}

}  // namespace

HttpTransfer::HttpTransfer(std::unique_ptr<Handles> handles, Http& owner,
                           const HttpRequest& request, const std::atomic<bool>* cancel)
    : handles_(std::move(handles)),
      owner_(owner),
      cancel_(cancel),
      url_(request.url),
      follow_(request.follow_redirects) {
  CURL* e = handles_->easy;
  curl_easy_reset(e);
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  if (!request.unix_socket.empty())
    curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "imgstrip/0.1");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpTransfer::on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpTransfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  if (cancel_ != nullptr) {  // abort promptly, even while waiting for headers
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &HttpTransfer::on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, this);
  }

  const TlsSettings& tls = owner.tls_;
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.ca_files.empty()) {
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &add_cas);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, &owner.tls_);
  }
  if (!tls.client_cert.empty()) {
    curl_easy_setopt(e, CURLOPT_SSLCERT, tls.client_cert.c_str());
    curl_easy_setopt(e, CURLOPT_SSLKEY, tls.client_key.c_str());
  }

  // A POST with a body (an engine's image load) streams it like an upload.
  bool upload = request.method == "PUT" || request.method == "PATCH" ||
                (request.method == "POST" && static_cast<bool>(request.body));
  curl_slist_free_all(handles_->headers);
  handles_->headers = nullptr;
  for (const auto& h : request.headers)
    handles_->headers = curl_slist_append(handles_->headers, h.c_str());
  if (upload) handles_->headers = curl_slist_append(handles_->headers, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, handles_->headers);

  if (request.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (upload) {
    upload_ = request.body ? request.body() : std::make_unique<StringReader>("");
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.body ? request.body_size : 0));
    curl_easy_setopt(e, CURLOPT_READFUNCTION, &HttpTransfer::on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, this);
    if (request.method != "PUT") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
  } else if (request.method != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_multi_add_handle(handles_->multi, e);
}

HttpTransfer::~HttpTransfer() {
  curl_multi_remove_handle(handles_->multi, handles_->easy);
  owner_.give_back(std::move(handles_));
}

size_t HttpTransfer::on_write(char* data, size_t size, size_t n, void* p) {
  auto* self = static_cast<HttpTransfer*>(p);
  if (self->cancel_ != nullptr && self->cancel_->load()) return 0;
  if (self->buffer_.size() - self->pos_ >= kPauseAbove) {
    self->paused_ = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  if (self->pos_ > 0 && (self->pos_ == self->buffer_.size() || self->pos_ >= kPauseAbove)) {
    self->buffer_.erase(0, self->pos_);
    self->pos_ = 0;
  }
  self->buffer_.append(data, size * n);
  return size * n;
}

int HttpTransfer::on_progress(void* p, int64_t, int64_t, int64_t, int64_t) {
  auto* self = static_cast<HttpTransfer*>(p);
  return self->cancel_->load() ? 1 : 0;
}

size_t HttpTransfer::on_header(char* data, size_t size, size_t n, void* p) {
  auto* self = static_cast<HttpTransfer*>(p);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    self->headers_.clear();
    auto sp = line.find(' ');
    self->status_ =
        sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return size * n;
  }
  if (trim(line).empty()) {
    long s = self->status_;
    bool redirect = self->follow_ && (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) &&
                    self->headers_.count("location") > 0;
    if (s >= 200 && !redirect) self->headers_done_ = true;
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    self->headers_.emplace(ascii_lower(trim(line.substr(0, colon))),
                           std::string(trim(line.substr(colon + 1))));
  }
  return size * n;
}

size_t HttpTransfer::on_read(char* data, size_t size, size_t n, void* p) {
  auto* self = static_cast<HttpTransfer*>(p);
  if (self->cancel_ != nullptr && self->cancel_->load()) return CURL_READFUNC_ABORT;
  try {
    return self->upload_->read(data, size * n);
  } catch (...) {
    self->callback_error_ = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

void HttpTransfer::step() {
  int running = 0;
  CURLMcode mc = curl_multi_perform(handles_->multi, &running);
  if (mc != CURLM_OK) {
    throw TransportError(fmt::format("{}: {}", url_, curl_multi_strerror(mc)), -1, false);
  }
  if (running == 0) {
    finish();
    return;
  }
  if (pos_ < buffer_.size() || headers_done_) return;
  curl_multi_poll(handles_->multi, nullptr, 0, 200, nullptr);
}

void HttpTransfer::finish() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(handles_->multi, &left)) {
    if (msg->msg == CURLMSG_DONE) result_ = msg->data.result;
  }
  long code = 0;
  curl_easy_getinfo(handles_->easy, CURLINFO_RESPONSE_CODE, &code);
  if (code != 0) status_ = code;
  done_ = true;
  headers_done_ = true;
}

void HttpTransfer::wait_headers() {
  while (!headers_done_ && !done_)
    step();
  if (callback_error_) std::rethrow_exception(callback_error_);
  if (done_ && result_ != CURLE_OK && (status_ == 0 || upload_)) {
    auto c = static_cast<CURLcode>(result_);
    throw TransportError(
        fmt::format("{}: {}{}{}", url_, curl_easy_strerror(c), *error_ ? ": " : "", error_),
        result_, tls_failure(c));
  }
}

std::optional<std::string> HttpTransfer::header(std::string_view name) const {
  auto it = headers_.find(ascii_lower(name));
  if (it == headers_.end()) return std::nullopt;
  return it->second;
}

size_t HttpTransfer::read(void* buf, size_t n) {
  if (n == 0) return 0;
  for (;;) {
    if (pos_ < buffer_.size()) {
      size_t take = std::min(n, buffer_.size() - pos_);
      std::memcpy(buf, buffer_.data() + pos_, take);
      pos_ += take;
      return take;
    }
    if (paused_) {
      paused_ = false;
      buffer_.clear();
      pos_ = 0;
      curl_easy_pause(handles_->easy, CURLPAUSE_CONT);
      continue;
    }
    if (done_) break;
    step();
  }
  if (callback_error_) std::rethrow_exception(callback_error_);
  if (result_ != CURLE_OK) {
    auto c = static_cast<CURLcode>(result_);
    if (cancel_ != nullptr && cancel_->load()) throw Error(fmt::format("{}: cancelled", url_));
    throw TransportError(
        fmt::format("{}: {}{}{}", url_, curl_easy_strerror(c), *error_ ? ": " : "", error_),
        result_, tls_failure(c));
  }
  return 0;
}

std::string HttpTransfer::read_body(size_t limit) {
  std::string out;
  char buf[16384];
  while (size_t got = read(buf, sizeof buf)) {
    if (out.size() < limit) out.append(buf, std::min(got, limit - out.size()));
  }
  return out;
}

Http::Http(TlsSettings tls) : tls_(std::move(tls)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Http::~Http() = default;

std::unique_ptr<HttpTransfer> Http::start(const HttpRequest& request,
                                          const std::atomic<bool>* cancel) {
  std::unique_ptr<HttpTransfer::Handles> handles;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      handles = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!handles) handles = std::make_unique<HttpTransfer::Handles>();
  return std::make_unique<HttpTransfer>(std::move(handles), *this, request, cancel);
}

void Http::give_back(std::unique_ptr<HttpTransfer::Handles> handles) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < 16) idle_.push_back(std::move(handles));
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_encode(std::string_view data) {
  std::string out;
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6)
      out += kB64[(v >> s) & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t v = byte(i) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    const char* p = std::strchr(kB64, c);
    if (c == '-') p = kB64 + 62;  // base64url too
    if (c == '_') p = kB64 + 63;
    if (p == nullptr || c == '\0') return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string url_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

}  // namespace imgstrip
