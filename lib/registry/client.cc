#include "registry/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <thread>

#include "core/error.h"
#include "core/stream.h"
#include "registry/credentials.h"
#include "registry/errors.h"

namespace imgstrip {
namespace {

// CA certificates (*.crt) and a client certificate (*.cert + *.key) of a certs.d folder.
void add_cert_dir(const std::filesystem::path& dir, TlsSettings& tls) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (f.extension() == ".crt") tls.ca_files.push_back(f);
    if (f.extension() == ".cert") {
      auto key = f;
      key.replace_extension(".key");
      if (std::filesystem::exists(key, ec)) {
        tls.client_cert = f;
        tls.client_key = key;
      }
    }
  }
}

std::optional<long> retry_after(const HttpTransfer& t) {
  auto h = t.header("retry-after");
  if (!h || h->empty() || !std::all_of(h->begin(), h->end(), ::isdigit)) return std::nullopt;
  return std::min(std::atol(h->c_str()), 60L);
}

bool retry_status(long s) {
  return s == 408 || s == 429 || s >= 500;
}

}  // namespace

Client::Client(Reference ref, RegistryOptions options, bool push)
    : ref_(std::move(ref)), options_(std::move(options)), push_(push) {
  host_ = ref_.api_host();
  where_ = ref_.name();
  TlsSettings tls;
  tls.verify = options_.tls_verify;
  if (!options_.cert_dir.empty()) {
    if (!std::filesystem::is_directory(options_.cert_dir)) {
      usage_fail("--cert-dir {} is not a directory", options_.cert_dir.string());
    }
    add_cert_dir(options_.cert_dir, tls);
  } else {
    add_cert_dir(std::filesystem::path("/etc/containers/certs.d") / ref_.registry, tls);
    add_cert_dir(std::filesystem::path("/etc/docker/certs.d") / ref_.registry, tls);
  }
  http_ = std::make_unique<Http>(std::move(tls));

  auto creds = find_credentials(ref_.registry, ref_.repository, options_);
  if (creds) credentials_source_ = creds->source;
  std::vector<std::string> scopes = {"repository:" + ref_.repository +
                                     (push ? ":pull,push" : ":pull")};
  if (push && !options_.mount_from.empty() && options_.mount_from != ref_.repository) {
    scopes.push_back("repository:" + options_.mount_from + ":pull");
  }
  auto fetch = [this](const HttpRequest& req) {
    auto t = http_->start(req);
    for (int attempt = 0;; ++attempt) {
      try {
        t->wait_headers();
        if (retry_status(t->status()) && attempt < options_.retries) {
          wait_before_retry(attempt, retry_after(*t));
          t = http_->start(req);
          continue;
        }
        Authenticator::TokenResponse r{t->status(), t->read_body(1 << 20)};
        return r;
      } catch (const TransportError& e) {
        if (!retryable(e) || attempt >= options_.retries) {
          fail("{}: cannot get a token: {}", where_, e.what());
        }
        wait_before_retry(attempt);
        t = http_->start(req);
      }
    }
  };
  auth_ = std::make_unique<Authenticator>(where_, std::move(creds), std::move(scopes), fetch);
  ping();
}

std::string Client::repo_url(std::string_view suffix) const {
  return base_ + "/v2/" + ref_.repository + "/" + std::string(suffix);
}

std::string Client::resolve(std::string_view location) const {
  if (location.starts_with("http://") || location.starts_with("https://")) {
    return std::string(location);
  }
  if (location.starts_with('/')) return base_ + std::string(location);
  return base_ + "/v2/" + ref_.repository + "/" + std::string(location);
}

bool Client::retryable(const TransportError& e) {
  if (e.tls) return false;
  switch (e.curl_code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_TOO_MANY_REDIRECTS:
      return false;
    default:
      return true;
  }
}

std::string Client::describe_transport(const TransportError& e) const {
  std::string text = e.what();
  if (e.tls && options_.tls_verify) {
    if (text.find("wrong version number") != std::string::npos ||
        text.find("packet length too long") != std::string::npos ||
        text.find("record layer failure") != std::string::npos) {
      return fmt::format(
          "{}: the registry does not speak TLS ({}): if it is a plain-HTTP "
          "registry, use --tls-verify=false",
          where_, text);
    }
    return fmt::format(
        "{}: TLS failed ({}): if the registry's certificate is signed by a "
        "private CA, put the CA's .crt in --cert-dir (or "
        "/etc/containers/certs.d/{}/); --tls-verify=false skips the check",
        where_, text, ref_.registry);
  }
  if (e.curl_code == CURLE_COULDNT_CONNECT || e.curl_code == CURLE_COULDNT_RESOLVE_HOST) {
    return fmt::format(
        "{}: cannot connect to the registry ({}): check the host name and that "
        "the registry is running",
        where_, text);
  }
  return fmt::format("{}: {}", where_, text);
}

void Client::ping() {
  std::vector<std::string> schemes = {"https"};
  if (!options_.tls_verify) schemes.push_back("http");
  for (int attempt = 0;; ++attempt) {
    std::optional<TransportError> last;
    for (const auto& scheme : schemes) {
      HttpRequest req;
      req.url = scheme + "://" + host_ + "/v2/";
      try {
        auto t = http_->start(req);
        t->wait_headers();
        long s = t->status();
        std::string body = t->read_body(64 << 10);
        if (retry_status(s) && attempt < options_.retries) {
          last.reset();
          wait_before_retry(attempt, retry_after(*t));
          break;
        }
        base_ = scheme + "://" + host_;
        if (s == 200) return;
        if (s == 401) {
          if (auto h = t->header("www-authenticate")) auth_->set_challenge(*h);
          return;
        }
        if (s == 404) {
          fail("{}: {} is not a container registry (GET /v2/ gave HTTP 404): check the host",
               where_, host_);
        }
        fail_response(s, body, "");
      } catch (const TransportError& e) {
        last = e;
      }
    }
    if (!last) continue;
    if (!retryable(*last) || attempt >= options_.retries) throw Error(describe_transport(*last));
    wait_before_retry(attempt);
  }
}

std::unique_ptr<HttpTransfer> Client::send(const HttpRequest& request,
                                           const std::atomic<bool>* cancel) {
  int attempt = 0;
  int auth_tries = 0;
  for (;;) {
    std::string authorization = auth_->header();
    HttpRequest r = request;
    if (!authorization.empty()) r.headers.push_back(authorization);
    std::unique_ptr<HttpTransfer> t;
    try {
      t = http_->start(r, cancel);
      t->wait_headers();
    } catch (const TransportError& e) {
      if (!request.retry || !retryable(e) || attempt >= options_.retries) {
        throw Error(describe_transport(e));
      }
      wait_before_retry(attempt++);
      continue;
    }
    long s = t->status();
    if (s == 401 && auth_tries < 2) {
      auto challenge = t->header("www-authenticate");
      if (challenge && auth_->refresh(*challenge, authorization)) {
        ++auth_tries;
        continue;
      }
    }
    if (request.retry && retry_status(s) && attempt < options_.retries) {
      auto after = retry_after(*t);
      t.reset();
      wait_before_retry(attempt++, after);
      continue;
    }
    return t;
  }
}

Response Client::fetch(const HttpRequest& request, size_t limit) {
  for (int attempt = 0;; ++attempt) {
    Response r;
    r.transfer = send(request);
    r.status = r.transfer->status();
    try {
      char buf[16384];
      while (size_t got = r.transfer->read(buf, sizeof buf)) {
        if (r.body.size() + got > limit) {
          if (r.status >= 300) break;  // an error body: its start is enough
          fail("{}: response from {} is larger than the limit of {} bytes", where_, request.url,
               limit);
        }
        r.body.append(buf, got);
      }
      return r;
    } catch (const TransportError& e) {
      if (!request.retry || !retryable(e) || attempt >= options_.retries) {
        throw Error(describe_transport(e));
      }
      wait_before_retry(attempt);
    }
  }
}

void Client::fail_response(long status, std::string_view body, std::string_view subject) {
  ErrorContext c{where_, std::string(subject), push_, credentials_source_.value_or("")};
  throw Error(describe_registry_error(c, status, body));
}

void Client::fail_response(Response& r, std::string_view subject) {
  fail_response(r.status, r.body, subject);
}

void Client::wait_before_retry(int attempt, std::optional<long> retry_after) const {
  std::chrono::milliseconds delay;
  if (retry_after) {
    delay = std::chrono::seconds(*retry_after);
  } else {
    delay = options_.retry_delay * (1 << std::min(attempt, 10));
    delay = std::min<std::chrono::milliseconds>(delay, std::chrono::seconds(30));
  }
  std::this_thread::sleep_for(delay);
}

void Client::report(const TransferProgress& p) {
  if (!options_.on_progress) return;
  std::lock_guard lock(progress_mutex_);
  options_.on_progress(p);
}

ProgressReader::ProgressReader(std::unique_ptr<ReadStream> inner, Client& client, Digest blob,
                               int64_t total, uint64_t start)
    : inner_(std::move(inner)),
      client_(client),
      blob_(std::move(blob)),
      total_(total),
      done_(start),
      reported_(start) {}

size_t ProgressReader::read(void* buf, size_t n) {
  size_t got = inner_->read(buf, n);
  done_ += got;
  if (got == 0 || done_ - reported_ >= (1 << 20)) {
    reported_ = done_;
    client_.report(TransferProgress{blob_, done_, total_, got == 0});
  }
  return got;
}

void Client::put_manifest(const RawManifest& m, const std::string& id) {
  HttpRequest req;
  req.method = "PUT";
  req.url = repo_url("manifests/" + id);
  req.headers.push_back("Content-Type: " + m.media_type);
  std::string bytes = m.bytes;
  req.body = [bytes]() -> std::unique_ptr<ReadStream> {
    return std::make_unique<StringReader>(bytes);
  };
  req.body_size = bytes.size();
  Response r = fetch(req, 64 << 10);
  if (r.status != 201 && r.status != 200) {
    fail_response(r, id == m.digest.str() ? "manifest " + id : "tag '" + id + "'");
  }
  if (auto got = r.header("docker-content-digest"); got && Digest::valid(*got)) {
    if (Digest::parse(*got) != m.digest) {
      fail("{}: the registry stored the manifest as {}, expected {}", where(), *got,
           m.digest.str());
    }
  }
}

}  // namespace imgstrip
