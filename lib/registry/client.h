// A connection to one repository of a registry: the base URL (https, or http when TLS
// checks are off and https fails), authentication, retries with backoff, and turning
// error responses into messages. Shared by the source, the sink and the blob cache;
// thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "oci/manifest.h"
#include "oci/reference.h"
#include "registry/auth.h"
#include "registry/http.h"
#include "registry/options.h"

namespace imgstrip {

struct Response {
  long status = 0;
  std::string body;
  std::unique_ptr<HttpTransfer> transfer;
  std::optional<std::string> header(std::string_view name) const { return transfer->header(name); }
};

class Client {
 public:
  // Pings GET /v2/ to pick the scheme and learn the auth challenge. `push` asks for
  // push access (and pull on options.mount_from).
  Client(Reference ref, RegistryOptions options, bool push);

  const Reference& ref() const { return ref_; }
  const RegistryOptions& options() const { return options_; }
  // "127.0.0.1:5000/foo", the prefix of every message.
  const std::string& where() const { return where_; }
  // The URL of /v2/<repository>/<suffix>.
  std::string repo_url(std::string_view suffix) const;
  // A Location header made absolute.
  std::string resolve(std::string_view location) const;
  Authenticator& auth() { return *auth_; }

  // Sends with authentication, retrying connection errors, 408, 429 and 5xx (unless
  // request.retry is false) and refreshing the token on 401. Returns the transfer with
  // the final response's headers in; its status is not checked.
  std::unique_ptr<HttpTransfer> send(const HttpRequest& request,
                                     const std::atomic<bool>* cancel = nullptr);
  // send() and read the whole body (at most `limit` bytes, else Error), retrying a body
  // that breaks off.
  Response fetch(const HttpRequest& request, size_t limit);

  // PUT /v2/<repository>/manifests/<id> (a tag, or the manifest's digest): fails on any
  // status but 200/201 and when the registry says it stored other bytes.
  void put_manifest(const RawManifest& m, const std::string& id);

  // Throws the message for an unexpected response; `subject` is "tag 'x'", "blob ...".
  [[noreturn]] void fail_response(long status, std::string_view body, std::string_view subject);
  [[noreturn]] void fail_response(Response& r, std::string_view subject);
  // Sleeps before retry number `attempt` (0-based), or for `retry_after` seconds.
  void wait_before_retry(int attempt, std::optional<long> retry_after = std::nullopt) const;
  // Whether a transport error is worth retrying.
  static bool retryable(const TransportError& e);
  // Reports progress to options.on_progress, one call at a time.
  void report(const TransferProgress& p);

 private:
  void ping();
  std::string describe_transport(const TransportError& e) const;

  Reference ref_;
  RegistryOptions options_;
  bool push_;
  std::string host_;
  std::string where_;
  std::string base_;  // "https://host"
  std::unique_ptr<Http> http_;
  std::unique_ptr<Authenticator> auth_;
  std::optional<std::string> credentials_source_;
  std::mutex progress_mutex_;
};

// Counts bytes read through it and reports them as progress of `blob`.
class ProgressReader : public ReadStream {
 public:
  ProgressReader(std::unique_ptr<ReadStream> inner, Client& client, Digest blob, int64_t total,
                 uint64_t start = 0);
  size_t read(void* buf, size_t n) override;

 private:
  std::unique_ptr<ReadStream> inner_;
  Client& client_;
  Digest blob_;
  int64_t total_;
  uint64_t done_;
  uint64_t reported_;
};

}  // namespace imgstrip
