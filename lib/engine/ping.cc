#include "engine/ping.h"

#include <charconv>

#include "core/error.h"

namespace imgstrip {
namespace {

std::optional<int> number(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ApiVersion> ApiVersion::parse(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\t'))
    text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  if (text.starts_with('v')) text.remove_prefix(1);
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto major = number(text.substr(0, dot));
  auto minor = number(text.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  return ApiVersion{*major, *minor};
}

std::string ApiVersion::str() const {
  return fmt::format("{}.{}", major, minor);
}

PingInfo negotiate(const std::optional<std::string>& api_version_header,
                   const std::optional<std::string>& libpod_version_header) {
  PingInfo info;
  info.podman = libpod_version_header.has_value();
  if (info.podman) info.libpod_api = libpod_version_header->substr(0, 32);
  if (!api_version_header || api_version_header->empty()) {
    info.api = kOldestApiVersion;  // as docker's client does for a silent server
    return info;
  }
  info.server_api = api_version_header->substr(0, 32);
  auto server = ApiVersion::parse(*api_version_header);
  if (!server) fail("the engine answered /_ping with a malformed API version");
  if (*server < kOldestApiVersion)
    fail("the engine's API version {} is older than {}, the oldest imgstrip speaks", server->str(),
         kOldestApiVersion.str());
  info.api = std::min(*server, kOurApiVersion);
  return info;
}

}  // namespace imgstrip
