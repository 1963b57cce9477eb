// What an engine's `GET /_ping` says: its API version (header Api-Version) and whether it
// is podman's Docker-compatible service (header Libpod-Api-Version). The API version we
// speak is the lower of the server's and ours, as the docker client negotiates it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgstrip {

struct ApiVersion {
  int major = 1;
  int minor = 0;

  // "1.41" (an optional leading 'v'); nullopt for anything else, including numbers too
  // large to be a version.
  static std::optional<ApiVersion> parse(std::string_view text);
  std::string str() const;
  auto operator<=>(const ApiVersion&) const = default;
};

// The Engine API version this client is written against (Docker 20.10) and the oldest
// it accepts (the first with `/images/load` answering in JSON messages).
inline constexpr ApiVersion kOurApiVersion{1, 41};
inline constexpr ApiVersion kOldestApiVersion{1, 24};

struct PingInfo {
  ApiVersion api = kOurApiVersion;  // the version to put in request paths
  std::string server_api;           // as the server said it ("" when it did not)
  bool podman = false;
  std::string libpod_api;  // podman's own API version, when podman
};

// From the /_ping response headers. A server that names no version gets the oldest
// version that has everything used here; a malformed or too old one is an Error.
PingInfo negotiate(const std::optional<std::string>& api_version_header,
                   const std::optional<std::string>& libpod_version_header);

}  // namespace imgstrip
