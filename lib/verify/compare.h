// Comparing what the original and the stripped container answered to the same exercise:
// HTTP status and body, or a command's exit status and output, with volatile parts (times,
// ids) masked by the user's --ignore regular expressions.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip::verify {

// One step's result in one container.
struct Outcome {
  std::string step;    // "POST /index.php user=bob", "exec: php -v"
  std::string origin;  // "requests.txt:3", "openapi", "--exec"
  bool is_exec = false;
  bool status_only = false;  // a health check: the engine reads only its exit status
  int status = 0;     // HTTP status, or exit status for --exec; 0 with `error` set: no answer
  std::string body;   // response body, or stdout+stderr for --exec
  std::string error;  // "timed out", "connection refused"...
};

class Masks {
 public:
  // ECMAScript regular expressions; throws UsageError naming a malformed one.
  explicit Masks(const std::vector<std::string>& patterns = {});
  // Every match replaced by "<ignored>".
  std::string apply(std::string_view text) const;
  bool empty() const { return regexes_.empty(); }

 private:
  std::vector<std::regex> regexes_;
};

struct Difference {
  size_t index = 0;    // step number, from 0
  std::string reason;  // "status 200 vs 500", "body differs at byte 112", "no answer: timed out"
  Outcome original;
  Outcome stripped;
};

// Steps are compared pairwise (both lists come from the same exercise). Bodies and outputs
// are compared after masking; an error (no answer) on one side only, or different errors, is
// a difference.
std::vector<Difference> compare_outcomes(const std::vector<Outcome>& original,
                                         const std::vector<Outcome>& stripped, const Masks& masks);

}  // namespace imgstrip::verify
