// Registry error responses (`{"errors":[{"code":..,"message":..}]}` with an HTTP status)
// turned into one line that names the registry, the repository and what to do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

struct RegistryError {
  std::string code;  // "MANIFEST_UNKNOWN"
  std::string message;
};

// The errors of a registry response body; empty when it is not such a body.
std::vector<RegistryError> parse_registry_errors(std::string_view body);

struct ErrorContext {
  std::string where;               // "127.0.0.1:5000/foo"
  std::string subject;             // "tag 'x'", "manifest sha256:..", "blob sha256:.."
  bool push = false;               // the operation writes (changes the advice on access errors)
  std::string credentials_source;  // where the credentials came from, if any were sent
};

// One line: "<where>: <what went wrong> (<detail>): <what to do>".
std::string describe_registry_error(const ErrorContext& context, long status,
                                    std::string_view body);

}  // namespace imgstrip
