// Where registry credentials come from, in this order: --creds, --authfile (alone when
// given), REGISTRY_AUTH_FILE, podman's auth.json (${XDG_RUNTIME_DIR}/containers/auth.json,
// ~/.config/containers/auth.json), docker's ~/.docker/config.json ($DOCKER_CONFIG). In a
// file: credHelpers[host], then auths (podman's per-repository keys first), then
// credsStore. Helpers are docker-credential-NAME programs (`get`, server on stdin, JSON
// out). Secrets never appear in messages: errors name the file or helper only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "registry/options.h"

namespace imgstrip {

struct Credentials {
  std::string username;
  std::string password;
  std::string source;  // where they came from, for messages: "--creds", a file, a helper
};

std::optional<Credentials> find_credentials(const std::string& registry,
                                            const std::string& repository,
                                            const RegistryOptions& options);

// Credentials for `registry` (and `repository`) in one docker/podman auth file; nullopt
// when it has none. Throws Error when the file is malformed.
std::optional<Credentials> credentials_from_file(const std::filesystem::path& file,
                                                 const std::string& registry,
                                                 const std::string& repository);

// Runs `docker-credential-<helper> get` with `server` on its stdin; nullopt when the
// helper has no credentials for it.
std::optional<Credentials> run_credential_helper(const std::string& helper,
                                                 const std::string& server);

}  // namespace imgstrip
