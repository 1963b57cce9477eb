// imgstrip verify: runs an original image and its stripped image side by side in podman or
// docker, the stripped one under everything it carries (its seccomp profile, its
// capabilities, a read-only root with the paths of io.imgstrip.writable mounted), drives
// both with the same exercise (HTTP requests, commands run inside) and compares what they
// answer. With `trace`, the stripped container runs under strace and a difference comes with
// the syscalls its profile refused and the files it did not find that the original has
// (strace attached to the stripped container's processes once it answers).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/platform.h"
#include "registry/options.h"
#include "verify/compare.h"
#include "verify/request.h"
#include "verify/trace.h"

namespace imgstrip::verify {

// The label on every container verify starts (so leftovers can be found).
inline constexpr const char* kContainerLabel = "io.imgstrip.verify";

enum class Network {
  Auto,     // Publish, unless the engine has no bridge network (dockerd --bridge=none): Host
  Publish,  // each container on the engine's network, its ports published to 127.0.0.1
  Host,     // the host's network, one container after the other (same ports)
};

struct VerifyOptions {
  std::string original;
  std::string stripped;
  std::optional<std::string> engine;  // "podman", "docker"; default: whichever is there
  Network network = Network::Auto;
  std::vector<int> http_ports;    // container ports; default: the original's exposed ones
  std::vector<Request> requests;  // empty and no execs: GET / on every port
  std::vector<std::vector<std::string>> execs;
  std::vector<std::string> env;     // K=V for both containers
  std::vector<std::string> ignore;  // regular expressions masked before comparing
  bool trace = false;
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  size_t log_lines = 20;
  RegistryOptions registry;
  Platform platform;
  std::function<void(std::string_view)> on_step;  // progress, for the CLI
};

struct Side {
  std::string image;                   // as given
  std::string engine_ref;              // as the engine names it
  std::vector<std::string> run_flags;  // beyond the name, label and env
  bool ready = false;                  // every port answered HTTP
  bool running_at_end = false;
  std::vector<std::string> log_tail;  // last lines of `logs`
  std::vector<Outcome> outcomes;
};

struct VerifyResult {
  std::string engine;   // "podman", "docker"
  std::string network;  // "publish", "host"
  std::vector<int> ports;
  std::vector<std::string> healthcheck;  // the image's HEALTHCHECK, run as the last step
  Side original;
  Side stripped;
  std::vector<Difference> differences;  // including "stopped running" (an empty step)
  bool stripped_stopped = false;        // the stripped container is not running at the end
  // Syscalls the stripped container's logs name (`accept4() failed`) that its profile does
  // not allow: a hint even without --trace.
  std::vector<std::string> log_refused_syscalls;
  // Paths the stripped container's logs name that it lacks and the original has.
  std::vector<std::string> log_missing_files;
  std::optional<TraceFindings> trace;
  std::string trace_note;  // why there is no trace, or what limits it
  // The original did not answer HTTP on every port: nothing to compare against.
  bool original_unready = false;
  bool same() const { return differences.empty() && !stripped_stopped && !original_unready; }
};

// Throws UsageError for bad options (no port to talk to, a bad --ignore, a bad --env),
// Error when an image cannot be loaded or a container cannot be started, Interrupted on a
// stop request. The containers and loaded images are removed in every case.
VerifyResult verify_images(const VerifyOptions& options);

// Syscall names `logs` mentions as "NAME() failed" or "NAME: Function not implemented" that
// `profile` does not allow (known syscall names of this host's architecture only).
std::vector<std::string> syscalls_named_in_logs(std::string_view logs,
                                                const SeccompProfile& profile);

}  // namespace imgstrip::verify
