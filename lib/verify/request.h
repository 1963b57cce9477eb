// One HTTP request of an exercise, and the requests-file format that lists them.
//
//   # a comment; blank lines are skipped
//   METHOD PATH [BODY]
//   Header-Name: value          (a header of the request above it)
//
// METHOD is an upper-case word (GET, POST, ...). PATH starts with '/', or with ":PORT/" to
// send it to another of the container's ports than the first. BODY is the rest of the line,
// byte for byte; it is sent as application/json when it starts with '{' or '[', else as a
// form (application/x-www-form-urlencoded), unless a Content-Type header says otherwise.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imgstrip::verify {

struct Request {
  std::string method;
  std::string path;  // starts with '/'
  int port = 0;      // a container port; 0: the first port of the run
  std::string body;
  bool has_body = false;  // "POST /x" sends no body, "POST /x {}" does
  std::vector<std::pair<std::string, std::string>> headers;
  std::string origin;  // where it came from: "requests.txt:3", "openapi GET /pets"

  // "POST /index.php user=bob" as a requests-file line would say it (long bodies cut).
  std::string describe() const;
};

// Parses a requests file. `name` goes into each Request's origin and into errors.
// Throws UsageError naming the line for anything malformed.
std::vector<Request> parse_requests(std::string_view text, std::string_view name);

}  // namespace imgstrip::verify
