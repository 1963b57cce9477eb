#include "verify/verify.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>
#include <regex>
#include <set>

#include "core/error.h"
#include "core/path.h"
#include "core/stream.h"
#include "core/tempdir.h"
#include "core/text.h"
#include "harden/harden.h"
#include "harden/run_args.h"
#include "seccomp/image_profile.h"
#include "seccomp/syscall_table.h"
#include "verify/container.h"
#include "verify/engine_image.h"
#include "verify/http_client.h"
#include "verify/process.h"
#include "verify/stop.h"

namespace imgstrip::verify {

namespace {

using namespace std::chrono_literals;

void step(const VerifyOptions& o, std::string_view text) {
  if (o.on_step) o.on_step(text);
}

std::vector<std::string> last_lines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(one_line(line));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<long>(n));
  return lines;
}

// The flags that put the stripped image under what it carries.
std::vector<std::string> hardening_flags(const Engine& engine, const ImageInfo& info,
                                         const TempDir& work,
                                         std::optional<SeccompProfile>& profile) {
  std::vector<std::string> flags;
  auto seccomp = info.labels.find(std::string(kSeccompLabel));
  std::optional<std::string> file;
  if (seccomp != info.labels.end() && !seccomp->second.empty()) {
    profile = read_profile(seccomp->second);
    file = (work.path() / "seccomp.json").string();
    write_file_atomic(*file, seccomp->second);
  }
  // The same configuration `imgstrip run-args` gives: capabilities, a read-only root with
  // a tmpfs or volume on each writable path, no new privileges.
  auto writable = info.labels.find(kWritableLabel);
  if (writable != info.labels.end()) {
    for (const std::string& p : split_list(writable->second, ',')) {
      if (!p.starts_with('/') || has_control(p) || p.find(':') != std::string::npos)
        fail("the {} label has a bad path \"{}\"", kWritableLabel, one_line(p));
    }
  }
  RunConfig config = run_config_from_labels(info.labels, info.volumes);
  config.seccomp_file = file;
  config.seccomp_label = false;  // the file says it, for podman and docker alike
  if (info.labels.contains(kCapabilitiesLabel) || file || config.read_only) {
    flags = run_flags(engine.kind == EngineKind::Podman ? RunEngine::Podman : RunEngine::Docker,
                      config);
  }
  return flags;
}

struct Run {
  std::unique_ptr<Container> container;
  std::map<int, int> host_ports;  // container port -> host port
};

// Waits until every port answers (or the container stops, or the time is up).
bool wait_ready(const Container& c, const std::map<int, int>& host_ports,
                std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (const auto& [cport, hport] : host_ports) {
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (wait_http(hport, std::min(left, std::chrono::milliseconds(2000)))) break;
      if (!c.running()) return false;
    }
  }
  return true;
}

std::vector<Outcome> exercise(const VerifyOptions& o, const std::vector<Request>& requests,
                              const std::vector<std::string>& healthcheck, const Run& run,
                              bool ready, int first_port) {
  std::vector<Outcome> out;
  for (const Request& r : requests) {
    Outcome oc;
    oc.step = r.describe();
    oc.origin = r.origin;
    int cport = r.port != 0 ? r.port : first_port;
    auto hp = run.host_ports.find(cport);
    if (!ready) {
      oc.error = "not answering (never became ready)";
    } else if (hp == run.host_ports.end()) {
      oc.error = fmt::format("port {} is not published", cport);
    } else {
      Response resp = send_request(r, hp->second, o.request_timeout);
      oc.status = resp.status;
      oc.body = std::move(resp.body);
      oc.error = std::move(resp.error);
    }
    out.push_back(std::move(oc));
  }
  // An --exec command, or the health check (`check`: compared by exit status alone).
  auto run_exec = [&](const std::vector<std::string>& argv, bool check) {
    Outcome oc;
    oc.is_exec = true;
    oc.status_only = check;
    oc.origin = check ? "HEALTHCHECK" : "--exec";
    oc.step = (check ? "healthcheck: " : "exec: ") + shell_words(argv);
    ProcessResult p = run.container->exec(argv);
    oc.status = p.status;
    oc.body = p.out + p.err;
    // The engine's own messages name the container: the same step must read the same.
    for (size_t at; (at = oc.body.find(run.container->name())) != std::string::npos;)
      oc.body.replace(at, run.container->name().size(), "<container>");
    if (p.timed_out) {
      oc.status = 0;
      oc.error = "timed out";
    }
    out.push_back(std::move(oc));
  };
  for (const auto& argv : o.execs)
    run_exec(argv, false);
  if (!healthcheck.empty()) run_exec(healthcheck, true);
  return out;
}

}  // namespace

std::vector<std::string> syscalls_named_in_logs(std::string_view logs,
                                                const SeccompProfile& profile) {
#if defined(__aarch64__)
  constexpr Arch kHost = Arch::Aarch64;
#else
  constexpr Arch kHost = Arch::X86_64;
#endif
  static const std::regex kNamed(
      R"(\b([a-z_][a-z0-9_]{1,30})(\(\) failed|\(\): |: Function not implemented))");
  std::set<std::string> out;
  std::string text(logs.substr(0, 1 << 20));
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kNamed);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1].str();
    if (syscall_number(kHost, name) && !profile.allowed.contains(name)) out.insert(name);
  }
  return {out.begin(), out.end()};
}

VerifyResult verify_images(const VerifyOptions& o) {
  Engine engine = choose_engine(o.engine);
  Masks masks(o.ignore);
  for (const std::string& e : o.env)
    if (e.find('=') == std::string::npos || e.front() == '=' || has_control(e))
      usage_fail("--env \"{}\" is not K=V", one_line(e));
  VerifyResult res;
  res.engine = engine.program;
  Network network = o.network;
  if (network == Network::Auto) {
    network = Network::Publish;
    if (engine.kind == EngineKind::Docker &&
        run_process({engine.program, "network", "inspect", "bridge"}, 60s).status != 0)
      network = Network::Host;
  }
  res.network = network == Network::Host ? "host" : "publish";
  res.original.image = o.original;
  res.stripped.image = o.stripped;
  std::string tag = fmt::format("imgstrip-verify-{}", getpid());

  step(o, fmt::format("{}: {}", engine.program, o.original));
  EngineImage original(engine, o.original, "localhost/" + tag + "-original:latest", o.registry,
                       o.platform);
  step(o, fmt::format("{}: {}", engine.program, o.stripped));
  EngineImage stripped(engine, o.stripped, "localhost/" + tag + "-stripped:latest", o.registry,
                       o.platform);
  res.original.engine_ref = original.ref();
  res.stripped.engine_ref = stripped.ref();
  ImageInfo info_o = inspect_image(engine, original.ref());
  ImageInfo info_s = inspect_image(engine, stripped.ref());

  std::vector<int> ports = o.http_ports.empty() ? info_o.tcp_ports : o.http_ports;
  std::vector<Request> requests = o.requests;
  if (requests.empty() && o.execs.empty()) {
    if (ports.empty())
      usage_fail("{} exposes no TCP port: give --http PORT, --requests or --exec", o.original);
    for (int p : ports) {
      Request r;
      r.method = "GET";
      r.path = "/";
      r.port = p;
      r.origin = "default";
      requests.push_back(std::move(r));
    }
  }
  // Ports matter only to requests: an exercise of --exec commands alone waits for none.
  std::set<int> all_ports;
  if (!requests.empty()) all_ports.insert(ports.begin(), ports.end());
  for (const Request& r : requests) {
    if (r.port == 0 && ports.empty())
      usage_fail("{} exposes no TCP port for \"{}\": give --http PORT", o.original, r.describe());
    if (r.port != 0) all_ports.insert(r.port);
  }
  int first_port = ports.empty() ? 0 : ports.front();
  // The original's HEALTHCHECK, run last in both (the engine runs it inside the container,
  // under its profile): the exit status must agree.
  const std::vector<std::string>& health = info_o.healthcheck;
  res.healthcheck = health;
  res.ports.assign(all_ports.begin(), all_ports.end());

  TempDir work("imgstrip-verify");
  std::optional<SeccompProfile> profile;
  res.stripped.run_flags = hardening_flags(engine, info_s, work, profile);
  std::vector<std::string> common;
  for (const std::string& e : o.env)
    common.insert(common.end(), {"-e", e});
  if (network == Network::Host) {
    common.insert(common.end(), {"--network", "host"});
  } else {
    for (int p : all_ports)
      common.insert(common.end(), {"-p", fmt::format("127.0.0.1::{}", p)});
  }
  bool trace = o.trace;
  if (trace && !in_path("strace")) {
    trace = false;
    res.trace_note = "strace is not installed: no trace";
  }
  std::string trace_file = (work.path() / "strace.out").string();

  auto start = [&](Side& side, const std::string& ref, const std::string& suffix,
                   std::vector<std::string> flags, bool traced) {
    Run run;
    run.container = std::make_unique<Container>(engine, tag + "-" + suffix);
    flags.insert(flags.begin(), common.begin(), common.end());
    step(o, fmt::format("starting {} ({})", suffix, ref));
    run.container->start(ref, flags);
    for (int p : all_ports) {
      if (network == Network::Host) {
        run.host_ports[p] = p;
      } else if (auto hp = run.container->host_port(p)) {
        run.host_ports[p] = *hp;
      }
    }
    side.ready = wait_ready(*run.container, run.host_ports, o.ready_timeout);
    if (traced) {
      // Attached once it answers (or gave up): tracing the start itself can stall daemons
      // that wait for their children's signals (php-fpm --daemonize was seen to).
      if (!run.container->attach_trace(trace_file)) {
        res.trace_note = "the stripped container had no process to trace";
      } else if (!side.ready) {
        // Knock again under the trace, so that what fails to answer is traced.
        side.ready = wait_ready(*run.container, run.host_ports, std::chrono::seconds(5));
      }
    }
    return run;
  };
  auto finish = [&](Side& side, Run& run) {
    side.running_at_end = run.container->running();
    side.log_tail = last_lines(run.container->logs(), o.log_lines);
  };
  auto exercise_side = [&](Side& side, Run& run) {
    step(o, fmt::format("exercising {}: {} steps", run.container->name(),
                        requests.size() + o.execs.size() + (health.empty() ? 0 : 1)));
    side.outcomes = exercise(o, requests, health, run, side.ready || all_ports.empty(), first_port);
    finish(side, run);
  };

  std::string stripped_logs;
  std::string original_root;
  std::vector<std::string> log_paths_absent;  // named in the stripped logs, absent from it
  auto absent_in = [](const std::string& root, const std::string& path) {
    struct stat st {};
    return lstat((root + path).c_str(), &st) != 0 && errno == ENOENT;
  };
  auto note_log_paths = [&](const Container& c) {
    std::string root = c.root_dir();
    if (root.empty() || access(root.c_str(), X_OK) != 0) return;
    for (const std::string& p : paths_in_text(stripped_logs))
      if (absent_in(root, p)) log_paths_absent.push_back(p);
  };
  Run run_o, run_s;
  if (network == Network::Host) {
    // One after the other on the same ports; the stripped one first, so that the original
    // still runs (its root readable) when the trace's missing files are checked.
    run_s = start(res.stripped, stripped.ref(), "stripped", res.stripped.run_flags, trace);
    exercise_side(res.stripped, run_s);
    stripped_logs = run_s.container->logs();
    note_log_paths(*run_s.container);
    run_s.container->stop_trace();
    run_s.container->remove();
    run_o = start(res.original, original.ref(), "original", {}, false);
    exercise_side(res.original, run_o);
  } else {
    run_o = start(res.original, original.ref(), "original", {}, false);
    run_s = start(res.stripped, stripped.ref(), "stripped", res.stripped.run_flags, trace);
    exercise_side(res.original, run_o);
    exercise_side(res.stripped, run_s);
    stripped_logs = run_s.container->logs();
    note_log_paths(*run_s.container);
    run_s.container->stop_trace();
  }
  original_root = run_o.container->root_dir();
  bool original_root_ok = !original_root.empty() && access(original_root.c_str(), X_OK) == 0;
  if (original_root_ok) {
    for (const std::string& p : log_paths_absent)
      if (!absent_in(original_root, p)) res.log_missing_files.push_back(p);
  }

  res.differences = compare_outcomes(res.original.outcomes, res.stripped.outcomes, masks);
  res.stripped_stopped = !res.stripped.running_at_end && res.original.running_at_end;
  res.original_unready = !all_ports.empty() && !res.original.ready;
  if (profile) res.log_refused_syscalls = syscalls_named_in_logs(stripped_logs, *profile);

  if (trace && !res.same()) {
    std::string text;
    try {
      text = read_file(trace_file, size_t{256} << 20);
    } catch (const Error&) {
      res.trace_note = "strace wrote no trace";
    }
    SeccompProfile p = profile.value_or(SeccompProfile{});
    auto in_original = [&](const std::string& path) {
      return !original_root_ok || !absent_in(original_root, path);
    };
    res.trace = find_problems(parse_strace(text), p, in_original);
    if (!original_root_ok && res.trace_note.empty())
      res.trace_note = "the original's root is not readable here: every path not found is listed";
    if (res.trace_note.empty())
      res.trace_note =
          "traced from when the stripped container answered (or gave up), not its start";
  } else if (o.trace && res.trace_note.empty() && res.same()) {
    res.trace_note = "no difference: the trace was not needed";
  }
  return res;
}

}  // namespace imgstrip::verify
