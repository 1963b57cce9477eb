// Platforms (os/architecture/variant) and the choice of one manifest from an index.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace imgstrip {

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // GOARCH names: "amd64", "arm64", "arm", "386", ...
  std::string variant;       // "v8", "v7", ... or empty
  std::string os_version;

  // Parses "os/arch[/variant]"; throws UsageError when malformed.
  static Platform parse(std::string_view text);
  static Platform host();
  static Platform from_json(const nlohmann::ordered_json& j);
  std::string str() const;

  // Whether a manifest for `candidate` can run where `this` is wanted. An empty variant
  // wanted matches any variant; arm64 "v8" and "" are the same.
  bool matches(const Platform& candidate) const;
};

}  // namespace imgstrip
