// Package URLs (github.com/package-url/purl-spec): pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS.
// Every component is percent-encoded except the unreserved characters and ':' (so '+'
// is %2B, '@' of an npm scope %40); qualifiers are sorted by key, empty ones left out.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace imgstrip {

struct Purl {
  std::string type;        // "deb", "rpm", "apk", "npm", "pypi", "maven"
  std::string name_space;  // "debian", "@scope", a maven groupId (may hold '/')
  std::string name;
  std::string version;
  std::map<std::string, std::string> qualifiers;

  std::string str() const;
};

// Percent-encodes one purl component.
std::string purl_escape(std::string_view text);

}  // namespace imgstrip
