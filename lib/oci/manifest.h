// Descriptors, image manifests and indexes (OCI and Docker schema 2), parsed from bytes
// with every field checked. Unknown fields are kept: a manifest is re-serialised only
// when imgstrip changes it, otherwise its original bytes (and so its digest) are used.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/digest.h"
#include "oci/media_types.h"
#include "oci/platform.h"

namespace imgstrip {

using Json = nlohmann::ordered_json;

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = -1;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> urls;
  std::optional<Platform> platform;

  // Parses one descriptor; `where` names it in errors ("layer 3 of manifest sha256:..").
  static Descriptor from_json(const Json& j, std::string_view where);
  Json to_json() const;
};

// The bytes of a manifest or index as stored, with its media type and digest.
struct RawManifest {
  std::string media_type;
  std::string bytes;
  Digest digest;  // sha256 of bytes

  static RawManifest of(std::string media_type, std::string bytes);
};

// An image manifest (OCI image manifest or Docker schema 2).
struct Manifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
  Json json;  // the whole document, for fields imgstrip does not model

  // Throws Error naming `where` and the problem (bad JSON, missing config, bad digest...).
  static Manifest parse(std::string_view bytes, std::string_view media_type,
                        std::string_view where);
  // Serialises: the original document with config/layers/annotations/mediaType replaced.
  std::string serialize() const;
  bool docker() const { return media::is_docker(media_type); }
};

// An OCI image index or Docker manifest list.
struct Index {
  std::string media_type;
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
  Json json;

  static Index parse(std::string_view bytes, std::string_view media_type, std::string_view where);
  std::string serialize() const;

  // The manifest for `want`; throws Error listing the platforms on offer when none fits.
  const Descriptor& select(const Platform& want, std::string_view where) const;
};

// Works out a manifest's media type when the transport did not say (OCI layout files,
// docker-archive): from its "mediaType" field, else from its shape.
std::string sniff_manifest_type(std::string_view bytes);

// Converts an image manifest to the OCI or Docker family (media types of itself, the
// config and the layers). Layer and config bytes are unchanged, so digests stay valid.
Manifest convert_manifest(const Manifest& m, bool to_docker);

// Limits on documents imgstrip reads into memory.
inline constexpr size_t kMaxManifestBytes = 4 << 20;
inline constexpr size_t kMaxConfigBytes = 8 << 20;

}  // namespace imgstrip
