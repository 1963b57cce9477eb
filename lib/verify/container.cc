#include "verify/container.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/error.h"
#include "core/path.h"
#include "core/text.h"
#include "oci/healthcheck.h"
#include "verify/stop.h"

namespace imgstrip::verify {

namespace {

using namespace std::chrono_literals;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

// The engine's complaint, on one line, for an error message.
std::string complaint(const ProcessResult& r) {
  std::string e = trimmed(r.err.empty() ? r.out : r.err);
  size_t nl = e.rfind('\n');
  if (nl != std::string::npos) e = e.substr(nl + 1);
  if (r.timed_out) e = "timed out";
  return one_line(e.substr(0, 400));
}

// The pids whose pid namespace is that of `pid` (the container's processes).
std::vector<pid_t> same_pid_namespace(pid_t pid) {
  std::vector<pid_t> out;
  struct stat want {};
  if (stat(("/proc/" + std::to_string(pid) + "/ns/pid").c_str(), &want) != 0) return out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long p = std::strtol(e->d_name, &end, 10);
    if (p <= 0 || *end != '\0') continue;
    struct stat st {};
    if (stat(("/proc/" + std::string(e->d_name) + "/ns/pid").c_str(), &st) == 0 &&
        st.st_ino == want.st_ino && st.st_dev == want.st_dev)
      out.push_back(static_cast<pid_t>(p));
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Engine choose_engine(const std::optional<std::string>& wanted) {
  if (wanted) {
    if (*wanted == "podman") return {EngineKind::Podman, "podman"};
    if (*wanted == "docker") return {EngineKind::Docker, "docker"};
    usage_fail("--engine must be podman or docker, not \"{}\"", one_line(*wanted));
  }
  const char* docker_host = std::getenv("DOCKER_HOST");
  if (docker_host && *docker_host && in_path("docker")) return {EngineKind::Docker, "docker"};
  if (in_path("podman")) return {EngineKind::Podman, "podman"};
  if (in_path("docker")) return {EngineKind::Docker, "docker"};
  usage_fail("neither podman nor docker is installed (verify runs the images)");
}

bool image_present(const Engine& engine, const std::string& ref) {
  return run_process({engine.program, "image", "inspect", "--format", "{{.Id}}", ref}, 60s)
             .status == 0;
}

void load_image_archive(const Engine& engine, const std::string& file) {
  ProcessResult r = run_process({engine.program, "load", "-i", file});
  if (r.status != 0) fail("{} load -i {}: {}", engine.program, file, complaint(r));
}

void remove_image(const Engine& engine, const std::string& ref) noexcept {
  try {
    run_process({engine.program, "rmi", "-f", ref}, 60s, false);
  } catch (...) {
  }
}

std::optional<int> tcp_port(const std::string& key) {
  std::string_view k = key;
  std::string_view proto = "tcp";
  size_t slash = k.find('/');
  if (slash != std::string_view::npos) {
    proto = k.substr(slash + 1);
    k = k.substr(0, slash);
  }
  if (proto != "tcp" || k.empty() || k.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : k) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

ImageInfo inspect_image(const Engine& engine, const std::string& ref) {
  // One JSON value a line. Docker keeps the health check (and SHELL) in Config; podman's
  // inspect has it at the top as HealthCheck (.Healthcheck fails its template) and no shell.
  bool docker = engine.kind == EngineKind::Docker;
  std::string format =
      "{{json .Config.Labels}}\n{{json .Config.ExposedPorts}}\n{{json .Config.Volumes}}\n" +
      std::string(docker ? "{{json .Config.Healthcheck}}\n{{json .Config.Shell}}"
                         : "{{json .HealthCheck}}");
  ProcessResult r = run_process({engine.program, "image", "inspect", "--format", format, ref}, 60s);
  if (r.status != 0) fail("{} image inspect {}: {}", engine.program, ref, complaint(r));
  std::vector<Json> lines;
  for (const std::string& line : split_list(r.out, '\n'))
    lines.push_back(Json::parse(line, nullptr, false));
  lines.resize(5);  // null for what is missing
  ImageInfo info;
  if (lines[0].is_object()) {
    for (auto& [k, v] : lines[0].items())
      if (v.is_string()) info.labels[k] = v.get<std::string>();
  }
  if (lines[1].is_object()) {
    for (auto& [k, v] : lines[1].items())
      if (auto p = tcp_port(k)) info.tcp_ports.push_back(*p);
  }
  if (lines[2].is_object()) {
    for (auto& [k, v] : lines[2].items())
      info.volumes.push_back(k);
  }
  std::sort(info.tcp_ports.begin(), info.tcp_ports.end());
  info.tcp_ports.erase(std::unique(info.tcp_ports.begin(), info.tcp_ports.end()),
                       info.tcp_ports.end());
  std::vector<std::string> shell;
  if (lines[4].is_array())
    for (auto& w : lines[4])
      if (w.is_string()) shell.push_back(w.get<std::string>());
  if (auto check = parse_healthcheck(lines[3], shell)) info.healthcheck = check->command;
  return info;
}

Container::~Container() {
  stop_trace();
  remove();
}

void Container::start(const std::string& image, const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {engine_.program,       "run", "-d", "--name", name_, "--label",
                                   "io.imgstrip.verify=1"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(image);
  exists_ = true;  // a failed run can leave a created container behind: remove() cleans up
  ProcessResult r = run_process(argv, 5min);
  if (r.status != 0) fail("{} run {}: {}", engine_.program, image, complaint(r));
}

bool Container::attach_trace(const std::string& file) {
  std::string pid = inspect("{{.State.Pid}}");
  long p = std::strtol(pid.c_str(), nullptr, 10);
  if (p <= 0) return false;
  std::vector<std::string> strace = {"strace",      "-f", "-Z",   "-qq", "-e",
                                     "signal=none", "-s", "4096", "-o",  file};
  size_t before = strace.size();
  for (pid_t each : same_pid_namespace(static_cast<pid_t>(p))) {
    strace.push_back("-p");
    strace.push_back(std::to_string(each));
  }
  if (strace.size() == before) return false;
  tracer_ = start_background(strace, file + ".err");
  std::this_thread::sleep_for(500ms);  // strace attaches
  return true;
}

std::string Container::inspect(const std::string& format) const {
  ProcessResult r = run_process({engine_.program, "inspect", "--format", format, name_}, 60s);
  if (r.status != 0) return "";
  return trimmed(r.out);
}

bool Container::running() const {
  return inspect("{{.State.Running}}") == "true";
}

std::string Container::logs() const {
  ProcessResult r = run_process({engine_.program, "logs", name_}, 60s);
  return r.out + r.err;
}

std::optional<int> Container::host_port(int container_port) const {
  ProcessResult r =
      run_process({engine_.program, "port", name_, std::to_string(container_port) + "/tcp"}, 60s);
  if (r.status != 0) return std::nullopt;
  // "127.0.0.1:41234" (one line per binding)
  std::string first = r.out.substr(0, r.out.find('\n'));
  size_t colon = first.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  return tcp_port(trimmed(first.substr(colon + 1)));
}

ProcessResult Container::exec(const std::vector<std::string>& argv) const {
  std::vector<std::string> full = {engine_.program, "exec", name_};
  full.insert(full.end(), argv.begin(), argv.end());
  return run_process(full, 2min);
}

std::string Container::root_dir() const {
  return inspect("{{.GraphDriver.Data.MergedDir}}");
}

void Container::stop_trace() {
  if (tracer_ > 0) stop_background(tracer_);
  tracer_ = -1;
}

void Container::remove() noexcept {
  if (!exists_) return;
  try {
    // docker rm -f kills at once; podman waits for the stop signal's timeout unless -t 0.
    std::vector<std::string> argv = {engine_.program, "rm", "-f"};
    if (engine_.kind == EngineKind::Podman) argv.insert(argv.end(), {"-t", "0"});
    argv.push_back(name_);
    run_process(argv, 2min, false);
  } catch (...) {
  }
  exists_ = false;
}

}  // namespace imgstrip::verify
