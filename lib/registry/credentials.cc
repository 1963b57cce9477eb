#include "registry/credentials.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "core/stream.h"
#include "registry/http.h"

extern char** environ;

namespace imgstrip {
namespace {

bool docker_hub(const std::string& registry) {
  return registry == "docker.io" || registry == "index.docker.io" ||
         registry == "registry-1.docker.io";
}

// "https://index.docker.io/v1/" -> "docker.io"; "quay.io/ns/repo" stays as it is.
std::string normalize_key(std::string key) {
  bool had_scheme = false;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (key.starts_with(scheme)) {
      key = key.substr(scheme.size());
      had_scheme = true;
    }
  }
  if (had_scheme) key = key.substr(0, key.find('/'));
  if (docker_hub(key)) return "docker.io";
  if (key.starts_with("index.docker.io/") || key.starts_with("registry-1.docker.io/")) {
    return "docker.io" + key.substr(key.find('/'));
  }
  return key;
}

std::string helper_server(const std::string& registry) {
  return docker_hub(registry) ? "https://index.docker.io/v1/" : registry;
}

std::optional<Credentials> from_helper(const std::string& helper, const std::string& registry) {
  return run_credential_helper(helper, helper_server(registry));
}

std::filesystem::path home() {
  const char* h = std::getenv("HOME");
  return h != nullptr ? h : "/";
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

std::optional<Credentials> run_credential_helper(const std::string& helper,
                                                 const std::string& server) {
  std::string program = "docker-credential-" + helper;
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    fail("cannot run {}: {}", program, errno_text(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv = {program.data(), const_cast<char*>("get"), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close_fd(in[0]);
  close_fd(out[1]);
  if (rc != 0) {
    close_fd(in[1]);
    close_fd(out[0]);
    fail("cannot run credential helper {}: {}", program, errno_text(rc));
  }
  std::string input = server + "\n";
  (void)!::write(in[1], input.data(), input.size());
  close_fd(in[1]);
  std::string output;
  char buf[4096];
  for (;;) {
    ssize_t got = ::read(out[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (output.size() < (1 << 20)) output.append(buf, static_cast<size_t>(got));
  }
  close_fd(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (output.find("not found") != std::string::npos) return std::nullopt;
    fail("credential helper {} failed for {} (exit status {})", program, server,
         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  auto j = nlohmann::json::parse(output, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Username") || !j.contains("Secret") ||
      !j["Username"].is_string() || !j["Secret"].is_string()) {
    fail("credential helper {} gave a malformed answer for {}", program, server);
  }
  Credentials c{j["Username"].get<std::string>(), j["Secret"].get<std::string>(), program};
  if (c.username == "<token>") {
    fail(
        "credential helper {} gave an identity token for {}; imgstrip needs a user name and "
        "password (use --creds)",
        program, server);
  }
  return c;
}

std::optional<Credentials> credentials_from_file(const std::filesystem::path& file,
                                                 const std::string& registry,
                                                 const std::string& repository) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::string text = read_file(file, 16 << 20);
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) fail("{}: not a valid JSON auth file", file.string());

  if (j.contains("credHelpers") && j["credHelpers"].is_object()) {
    for (const auto& [key, helper] : j["credHelpers"].items()) {
      if (helper.is_string() && normalize_key(key) == registry) {
        return from_helper(helper.get<std::string>(), registry);
      }
    }
  }
  if (j.contains("auths") && j["auths"].is_object()) {
    // The most specific key wins: registry/ns/repo, registry/ns, registry.
    std::vector<std::string> candidates;
    std::string name = registry + "/" + repository;
    for (;;) {
      candidates.push_back(name);
      auto slash = name.rfind('/');
      if (slash == std::string::npos) break;
      name = name.substr(0, slash);
    }
    for (const auto& want : candidates) {
      for (const auto& [key, entry] : j["auths"].items()) {
        if (normalize_key(key) != want || !entry.is_object()) continue;
        if (!entry.contains("auth") || !entry["auth"].is_string()) continue;
        std::string encoded = entry["auth"].get<std::string>();
        if (encoded.empty()) continue;
        auto decoded = base64_decode(encoded);
        auto colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos) {
          fail("{}: the \"auth\" entry for {} is not base64 of USER:PASSWORD", file.string(), key);
        }
        return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1), file.string()};
      }
    }
  }
  if (j.contains("credsStore") && j["credsStore"].is_string() &&
      !j["credsStore"].get<std::string>().empty()) {
    return from_helper(j["credsStore"].get<std::string>(), registry);
  }
  return std::nullopt;
}

std::optional<Credentials> find_credentials(const std::string& registry,
                                            const std::string& repository,
                                            const RegistryOptions& options) {
  if (options.creds) {
    auto colon = options.creds->find(':');
    if (colon == std::string::npos || colon == 0) {
      usage_fail("--creds must be USER:PASSWORD");
    }
    return Credentials{options.creds->substr(0, colon), options.creds->substr(colon + 1),
                       "--creds"};
  }
  if (!options.authfile.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(options.authfile, ec)) {
      usage_fail("auth file {} does not exist", options.authfile.string());
    }
    return credentials_from_file(options.authfile, registry, repository);
  }
  std::vector<std::filesystem::path> files;
  if (const char* f = std::getenv("REGISTRY_AUTH_FILE"); f != nullptr && *f != '\0') {
    files.emplace_back(f);
  }
  if (const char* run = std::getenv("XDG_RUNTIME_DIR"); run != nullptr && *run != '\0') {
    files.push_back(std::filesystem::path(run) / "containers/auth.json");
  }
  files.push_back(home() / ".config/containers/auth.json");
  if (const char* d = std::getenv("DOCKER_CONFIG"); d != nullptr && *d != '\0') {
    files.push_back(std::filesystem::path(d) / "config.json");
  } else {
    files.push_back(home() / ".docker/config.json");
  }
  for (const auto& f : files) {
    if (auto c = credentials_from_file(f, registry, repository)) return c;
  }
  return std::nullopt;
}

}  // namespace imgstrip
