// The image a bill of materials describes, and how it names it.
#pragma once

#include <string>

#include "oci/digest.h"

namespace imgstrip {

struct SbomSubject {
  std::string repository;  // fully qualified, without tag: "127.0.0.1:5000/web"
  std::string reference;   // as pushed: "127.0.0.1:5000/web:stripped"
  Digest digest;           // of the image manifest
  std::string created;     // "2024-05-01T12:00:00Z": the image's creation time, never the clock
  std::string tool_version;
};

// pkg:oci/NAME@sha256%3AHEX?repository_url=REPOSITORY (NAME: the last path component).
std::string image_purl(const SbomSubject& subject);

// An image config's "created" (RFC 3339, any offset, fractions) as UTC seconds
// "YYYY-MM-DDThh:mm:ssZ", the form SPDX and CycloneDX want; "1970-01-01T00:00:00Z" when
// it is missing or malformed.
std::string sbom_time(std::string_view created);

}  // namespace imgstrip
