// Sends an exercise's requests with libcurl to 127.0.0.1:PORT.
#pragma once

#include <chrono>
#include <string>

#include "verify/request.h"

namespace imgstrip::verify {

struct Response {
  int status = 0;     // 0: no HTTP answer (see error)
  std::string body;   // at most kMaxBody bytes
  std::string error;  // "timed out", "connection refused"... when status is 0
  bool truncated = false;
};

inline constexpr size_t kMaxBody = 4 << 20;

Response send_request(const Request& request, int host_port, std::chrono::milliseconds timeout);

// Polls until the port answers HTTP at all (any status) or `timeout` passes; false then.
// Throws Interrupted on a stop request.
bool wait_http(int host_port, std::chrono::milliseconds timeout);

}  // namespace imgstrip::verify
