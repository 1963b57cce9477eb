// Interruption: the CLI's SIGINT/SIGTERM handler calls request_stop(); long waits in the
// library (HTTP requests, readiness polls, child processes) notice it and throw Interrupted,
// so the destructors remove the containers on the way out.
#pragma once

#include "core/error.h"

namespace imgstrip::verify {

class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted") {}
};

// Async-signal-safe.
void request_stop() noexcept;
bool stop_requested() noexcept;
// Throws Interrupted when a stop was requested.
void check_stop();

}  // namespace imgstrip::verify
