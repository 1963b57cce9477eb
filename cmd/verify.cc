// imgstrip verify ORIGINAL STRIPPED: run both images side by side and compare their answers.
#include <fmt/format.h>
#include <signal.h>

#include <cstring>
#include <set>

#include "commands.h"
#include "common.h"
#include "core/command_words.h"
#include "core/error.h"
#include "core/stream.h"
#include "verify/openapi.h"
#include "verify/report.h"
#include "verify/stop.h"
#include "verify/verify.h"

namespace imgstrip::cli {

namespace {

void on_signal(int) {
  verify::request_stop();
}

// Repeatable flags whose values may hold commas (cxxopts splits vectors at commas): taken
// out of argv before cxxopts sees the rest.
struct Repeated {
  std::vector<std::string> http, exec, env, ignore;
};

std::vector<char*> take_repeated(int argc, char** argv, Repeated& r) {
  std::vector<char*> rest;
  std::pair<const char*, std::vector<std::string>*> flags[] = {{"--http", &r.http},
                                                               {"--exec", &r.exec},
                                                               {"--env", &r.env},
                                                               {"--ignore", &r.ignore},
                                                               {"-e", &r.env}};
  for (int i = 0; i < argc; ++i) {
    bool taken = false;
    for (auto& [flag, into] : flags) {
      size_t n = std::strlen(flag);
      if (std::strcmp(argv[i], flag) == 0) {
        if (i + 1 >= argc) usage_fail("{} needs a value", flag);
        into->push_back(argv[++i]);
        taken = true;
      } else if (std::strncmp(argv[i], flag, n) == 0 && argv[i][n] == '=') {
        into->push_back(argv[i] + n + 1);
        taken = true;
      }
      if (taken) break;
    }
    if (!taken) rest.push_back(argv[i]);
  }
  rest.push_back(nullptr);
  return rest;
}

int port_number(const std::string& s) {
  int port = 0;
  if (s.empty() || s.size() > 5) usage_fail("--http \"{}\" is not a port", s);
  for (char c : s) {
    if (c < '0' || c > '9') usage_fail("--http \"{}\" is not a port", s);
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) usage_fail("--http {} is out of range", port);
  return port;
}

std::chrono::milliseconds seconds(const cxxopts::ParseResult& args, const char* name) {
  double s = args[name].as<double>();
  if (!(s > 0 && s < 86400)) usage_fail("--{} must be a number of seconds above 0", name);
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

}  // namespace

int run_verify(int argc, char** argv) {
  cxxopts::Options options(
      "imgstrip verify",
      "Run an image and its stripped image side by side (podman or docker) and compare what\n"
      "they answer to the same exercise. The stripped one runs under what it carries: its\n"
      "seccomp profile (label io.containers.seccomp.profile), its capabilities (--cap-drop\n"
      "ALL --cap-add from io.containers.capabilities) and a read-only root with the paths of\n"
      "io.imgstrip.writable mounted (as `imgstrip run-args` says); the original with the\n"
      "engine's defaults.\n"
      "  imgstrip verify ORIGINAL STRIPPED [--http PORT]... [--requests FILE] [--openapi FILE]\n"
      "                  [--exec 'CMD']... [--env K=V]... [--ignore REGEX]...\n"
      "                  [--engine podman|docker] [--network auto|publish|host] [--trace] "
      "[--json]\n"
      "Requests file: one request a line, `METHOD PATH [BODY]` (PATH may start with :PORT/;\n"
      "BODY is the rest of the line, JSON when it starts with { or [, else a form), then\n"
      "`Header: value` lines for it; # comments. With no exercise: GET / on every exposed\n"
      "port. Compared: status and body of each response (after --ignore masks), exit status\n"
      "and output of each --exec, and that the stripped container still runs at the end.\n"
      "Exit codes: 0 the same, 1 different (or a failure), 2 usage error.");
  options.positional_help("ORIGINAL STRIPPED");
  options.add_options()("original", "the image as it was", cxxopts::value<std::string>())(
      "stripped", "the stripped image", cxxopts::value<std::string>())(
      "http", "a container port to send requests to (repeatable; default: the exposed ports)",
      cxxopts::value<std::string>())("requests", "a requests file (see above)",
                                     cxxopts::value<std::string>())(
      "openapi",
      "an OpenAPI 3 document (JSON): every operation, plus malformed and oversized "
      "bodies, path traversal and undeclared methods",
      cxxopts::value<std::string>())(
      "exec", "a command run in both containers, output and exit status compared (repeatable)",
      cxxopts::value<std::string>())("e,env", "K=V for both containers (repeatable)",
                                     cxxopts::value<std::string>())(
      "ignore", "an ECMAScript regular expression masked in bodies and outputs (repeatable)",
      cxxopts::value<std::string>())(
      "engine",
      "podman or docker (default: docker when DOCKER_HOST is set, else podman when "
      "installed, else docker)",
      cxxopts::value<std::string>())(
      "network",
      "publish: ports published to 127.0.0.1, both containers at once; host: the host's "
      "network, one container after the other; auto: publish, or host for a docker without "
      "a bridge network",
      cxxopts::value<std::string>()->default_value("auto"))(
      "trace",
      "attach strace to the stripped container's processes once it answers (or gave up) "
      "and, on a difference, list the syscalls its profile refused and the files it did not "
      "find that the original has (needs root and strace)")(
      "timeout", "seconds each container gets to answer HTTP on every port",
      cxxopts::value<double>()->default_value("30"))("request-timeout", "seconds per request",
                                                     cxxopts::value<double>()->default_value("10"))(
      "log-lines", "the stripped container's last log lines in the report",
      cxxopts::value<size_t>()->default_value("20"))("json", "print the report as JSON");
  add_transport_flags(options);
  options.parse_positional({"original", "stripped"});
  Repeated rep;
  std::vector<char*> rest = take_repeated(argc, argv, rep);
  auto args = parse(options, static_cast<int>(rest.size() - 1), rest.data());
  if (!args.count("original") || !args.count("stripped"))
    usage_fail("verify needs ORIGINAL and STRIPPED (see --help)");
  if (!args.unmatched().empty()) usage_fail("unexpected argument \"{}\"", args.unmatched()[0]);

  verify::VerifyOptions o;
  o.original = args["original"].as<std::string>();
  o.stripped = args["stripped"].as<std::string>();
  for (const std::string& p : rep.http)
    o.http_ports.push_back(port_number(p));
  o.env = rep.env;
  o.ignore = rep.ignore;
  for (const std::string& c : rep.exec)
    o.execs.push_back(command_words(c));
  if (args.count("requests")) {
    std::string file = args["requests"].as<std::string>();
    o.requests = verify::parse_requests(read_file(file, size_t{64} << 20), file);
  }
  if (args.count("openapi")) {
    std::string file = args["openapi"].as<std::string>();
    auto more = verify::requests_from_openapi(read_file(file, size_t{64} << 20), file);
    if (more.empty()) usage_fail("{}: no operations", file);
    o.requests.insert(o.requests.end(), more.begin(), more.end());
  }
  if (args.count("engine")) o.engine = args["engine"].as<std::string>();
  std::string network = args["network"].as<std::string>();
  if (network == "host") {
    o.network = verify::Network::Host;
  } else if (network == "publish") {
    o.network = verify::Network::Publish;
  } else if (network != "auto") {
    usage_fail("--network must be auto, publish or host, not \"{}\"", network);
  }
  o.trace = args.count("trace") > 0;
  o.ready_timeout = seconds(args, "timeout");
  o.request_timeout = seconds(args, "request-timeout");
  o.log_lines = args["log-lines"].as<size_t>();
  o.registry = registry_options(args);
  o.registry.on_progress = nullptr;
  o.platform = platform(args);
  bool json = args.count("json") > 0;
  if (!quiet(args)) o.on_step = [](std::string_view s) { fmt::print(stderr, "verify: {}\n", s); };

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waits return early and see the stop request
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  verify::VerifyResult r;
  try {
    r = verify::verify_images(o);
  } catch (const Error& e) {
    // A signal can also surface as a failed read or wait (EINTR) before a stop check.
    if (!verify::stop_requested()) throw;
    fmt::print(stderr, "imgstrip verify: interrupted; its containers are removed\n");
    return 130;
  }
  if (json) {
    fmt::print("{}\n", verify::report_json(r).dump(2, ' ', false,
                                                   nlohmann::json::error_handler_t::replace));
  } else {
    fmt::print("{}", verify::report_text(r));
  }
  return r.same() ? kExitOk : kExitFailure;
}

}  // namespace imgstrip::cli
