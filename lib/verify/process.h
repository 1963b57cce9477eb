// Child processes: the engine's CLI (podman/docker) and strace. Output is captured, never
// inherited, so the library prints nothing.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace imgstrip::verify {

struct ProcessResult {
  int status = -1;  // exit status; 128+N when killed by signal N
  std::string out;  // stdout
  std::string err;  // stderr
  bool timed_out = false;
};

// Runs argv[0] (looked up in PATH) with stdin from /dev/null and waits, killing it after
// `timeout`. Throws Error when it cannot be started and, when `interruptible`, Interrupted
// on a stop request (the child is killed first); clean-up runs with it false. Output beyond
// 16 MiB per stream is dropped.
ProcessResult run_process(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::minutes(10),
                          bool interruptible = true);

// Starts argv in the background with stdin and stdout from/to /dev/null and stderr to
// `stderr_file` (or /dev/null). Returns its pid.
pid_t start_background(const std::vector<std::string>& argv,
                       const std::optional<std::string>& stderr_file = std::nullopt);
// SIGTERM, then waits for it (SIGKILL after 5 s).
void stop_background(pid_t pid);

// Whether `name` is an executable in PATH.
bool in_path(const std::string& name);

}  // namespace imgstrip::verify
