// Errors: one exception type carries a message that names what failed and why.
// The CLI maps UsageError to exit code 2 and every other Error to exit code 1.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace imgstrip {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The user asked for something malformed (bad flag, bad reference, bad transport).
class UsageError : public Error {
 public:
  using Error::Error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
[[noreturn]] void usage_fail(fmt::format_string<Args...> format, Args&&... args) {
  throw UsageError(fmt::format(format, std::forward<Args>(args)...));
}

// strerror(errno) as a string, for messages about failed system calls.
std::string errno_text(int err);

}  // namespace imgstrip
