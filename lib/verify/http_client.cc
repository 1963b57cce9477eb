#include "verify/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <memory>
#include <thread>

#include "core/text.h"
#include "verify/stop.h"

namespace imgstrip::verify {

namespace {

struct Sink {
  std::string* body;
  bool truncated = false;
};

size_t on_data(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t len = size * n;
  size_t room = kMaxBody - std::min(kMaxBody, s->body->size());
  if (len > room) s->truncated = true;
  s->body->append(data, std::min(len, room));
  return len;
}

int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return stop_requested() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

Response send_request(const Request& request, int host_port, std::chrono::milliseconds timeout) {
  check_stop();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) fail("libcurl could not start a request");
  CURL* e = curl.get();
  Response r;
  Sink sink{&r.body};
  char error[CURL_ERROR_SIZE] = {};
  std::string url = fmt::format("http://127.0.0.1:{}{}", host_port, request.path);
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(e, CURLOPT_USERAGENT, "imgstrip-verify/0.1");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  // Paths are sent as written ("/../etc/passwd" too): an exercise probes path traversal.
  curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
  if (request.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || request.has_body) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  bool has_type = false;
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) {
    if (ascii_lower(k) == "content-type") has_type = true;
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  }
  if (request.has_body) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (!has_type) {
      bool json = !request.body.empty() && (request.body[0] == '{' || request.body[0] == '[');
      headers =
          curl_slist_append(headers, json ? "Content-Type: application/json"
                                          : "Content-Type: application/x-www-form-urlencoded");
    }
  } else if (request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
    headers = curl_slist_append(headers, "Content-Length: 0");
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(headers, curl_slist_free_all);
  if (headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(e);
  if (rc == CURLE_ABORTED_BY_CALLBACK) throw Interrupted();
  r.truncated = sink.truncated;
  if (rc != CURLE_OK) {
    r.error = rc == CURLE_OPERATION_TIMEDOUT ? "timed out" : std::string(curl_easy_strerror(rc));
    r.body.clear();
    return r;
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  r.status = static_cast<int>(status);
  return r;
}

bool wait_http(int host_port, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  Request probe;
  probe.method = "GET";
  probe.path = "/";
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    Response r = send_request(probe, host_port, std::min(left, std::chrono::milliseconds(3000)));
    if (r.status != 0) return true;
    for (int i = 0; i < 4 && std::chrono::steady_clock::now() < until; ++i) {
      check_stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace imgstrip::verify
