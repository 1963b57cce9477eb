// A jar's META-INF/MANIFEST.MF, as the JAR File Specification writes it: "Name: value"
// lines ending in CRLF, LF or CR, wrapped at 72 bytes with continuation lines starting
// with one space, a main section up to the first blank line, then per-entry sections
// (ignored here). Hostile input gives notes, never a failure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imgstrip {

struct JarManifest {
  // The main section's attributes in order, continuation lines joined.
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::string> notes;  // malformed lines, skipped

  // The value of an attribute (names compare without case, as Java's Attributes.Name).
  std::optional<std::string> get(std::string_view name) const;
};

JarManifest parse_manifest(std::string_view text);

// The entries of a Class-Path (or Boot-Class-Path) value: space-separated relative URLs,
// percent-decoded ("lib/a%20b.jar" -> "lib/a b.jar"); "file:" URLs become their path.
// Other URLs (http:...) are left out and listed in `skipped` when it is given.
std::vector<std::string> class_path_entries(std::string_view value,
                                            std::vector<std::string>* skipped = nullptr);

}  // namespace imgstrip
