// The metadata files that name an application package, parsed from untrusted text:
// an npm package.json (name, version), a Python distribution's METADATA / PKG-INFO
// (Name:, Version: headers), a jar's META-INF/maven/G/A/pom.properties (groupId,
// artifactId, version) and os-release (ID, VERSION_ID, PRETTY_NAME). nullopt when the
// file does not name a package.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imgstrip {

struct NamedVersion {
  std::string group;  // maven groupId; empty otherwise
  std::string name;
  std::string version;
};

std::optional<NamedVersion> parse_package_json(std::string_view text);
std::optional<NamedVersion> parse_python_metadata(std::string_view text);
std::optional<NamedVersion> parse_pom_properties(std::string_view text);

struct OsRelease {
  std::string id;           // "debian"
  std::string version_id;   // "12"
  std::string pretty_name;  // "Debian GNU/Linux 12 (bookworm)"
};
OsRelease parse_os_release(std::string_view text);

}  // namespace imgstrip
