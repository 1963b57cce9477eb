// A small layer over libcurl: one HTTP request whose response body is read as a stream,
// pulled through curl's multi interface so nothing is buffered beyond a few chunks.
#pragma once

#include <atomic>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/stream.h"

namespace imgstrip {

// A failure below HTTP (connection refused or reset, TLS, timeout, truncated body).
class TransportError : public Error {
 public:
  TransportError(const std::string& what, int curl_code, bool tls)
      : Error(what), curl_code(curl_code), tls(tls) {}
  int curl_code;
  bool tls;  // the TLS handshake or certificate check failed
};

struct TlsSettings {
  bool verify = true;
  std::vector<std::filesystem::path> ca_files;  // extra trusted CAs (PEM)
  std::filesystem::path client_cert;            // optional client certificate and key
  std::filesystem::path client_key;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  StreamOpener body;                 // upload body, opened afresh for each attempt
  uint64_t body_size = 0;
  bool follow_redirects = true;  // blob GETs may redirect to storage
  bool retry = true;             // Client retries on errors and 408/429/5xx
  // Connect to this unix socket instead of the URL's host (a local engine's API); the
  // URL then only names the path ("http://localhost/v1.41/_ping").
  std::string unix_socket;
};

class HttpTransfer : public ReadStream {
 public:
  struct Handles;
  HttpTransfer(std::unique_ptr<Handles> handles, class Http& owner, const HttpRequest& request,
               const std::atomic<bool>* cancel);
  ~HttpTransfer() override;
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;

  // Runs the transfer until the final response's headers are in. Throws TransportError.
  void wait_headers();
  long status() const { return status_; }
  // A header of the final response (name case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
  // Body bytes; 0 at the end. Throws TransportError when the transfer breaks.
  size_t read(void* buf, size_t n) override;
  // The rest of the body, at most `limit` bytes (more is cut off silently: error bodies).
  std::string read_body(size_t limit);

 private:
  static size_t on_write(char* data, size_t size, size_t n, void* self);
  static size_t on_header(char* data, size_t size, size_t n, void* self);
  static size_t on_read(char* data, size_t size, size_t n, void* self);
  static int on_progress(void* self, int64_t, int64_t, int64_t, int64_t);
  void step();
  void finish();

  std::unique_ptr<Handles> handles_;
  Http& owner_;
  const std::atomic<bool>* cancel_;
  std::string url_;
  bool follow_;
  std::unique_ptr<ReadStream> upload_;
  std::string buffer_;
  size_t pos_ = 0;
  bool paused_ = false;
  bool headers_done_ = false;
  bool done_ = false;
  int result_ = 0;
  char error_[256] = {};
  long status_ = 0;
  std::multimap<std::string, std::string> headers_;
  std::exception_ptr callback_error_;
};

// Hands out transfers; keeps curl handles (and so their open connections) for reuse.
// Thread-safe: transfers may run on several threads at once.
class Http {
 public:
  explicit Http(TlsSettings tls);
  ~Http();
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;

  // Starts a request (nothing is sent until the transfer is read or waited on).
  // `cancel`, when set to true, aborts the transfer.
  std::unique_ptr<HttpTransfer> start(const HttpRequest& request,
                                      const std::atomic<bool>* cancel = nullptr);

 private:
  friend class HttpTransfer;
  void give_back(std::unique_ptr<HttpTransfer::Handles> handles);

  TlsSettings tls_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<HttpTransfer::Handles>> idle_;
};

// Base64 (standard alphabet, padded), for Basic auth and auth files.
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);
// Percent-encodes a query parameter value.
std::string url_escape(std::string_view s);

}  // namespace imgstrip
