// Image references, parsed and normalised the way docker and skopeo do it:
// "nginx" is docker.io/library/nginx:latest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "oci/digest.h"

namespace imgstrip {

struct Reference {
  std::string registry;    // "docker.io", "127.0.0.1:5000", "localhost"
  std::string repository;  // "library/nginx"
  std::string tag;         // empty when only a digest was given
  std::optional<Digest> digest;

  // Throws UsageError with the reason ("repository name must be lowercase", ...).
  static Reference parse(std::string_view text);

  // "docker.io/library/nginx:latest" or ".../nginx@sha256:..." (tag and digest if both).
  std::string str() const;
  // The repository with its registry: "docker.io/library/nginx".
  std::string name() const { return registry + "/" + repository; }
  // What to ask the registry for: the digest if any, else the tag.
  std::string identifier() const { return digest ? digest->str() : tag; }
  // The host to connect to: Docker Hub's API lives at registry-1.docker.io.
  std::string api_host() const;
};

}  // namespace imgstrip
