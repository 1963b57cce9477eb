// OCI 1.1 artifacts that refer to an image (an SBOM, an attestation): the artifact
// manifest (artifactType, the empty config, one layer, subject), and the referrers
// index a client maintains at the fallback tag `sha256-<hex>` when the registry has no
// referrers API (OCI distribution spec 1.1, "Referrers Tag Schema").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "attach/store.h"
#include "oci/manifest.h"

namespace imgstrip {

inline constexpr std::string_view kEmptyMediaType = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view kEmptyJson = "{}";

struct Artifact {
  std::string artifact_type;                       // "application/spdx+json"
  std::string layer_media_type;                    // the document's media type (usually the same)
  std::string bytes;                               // the document
  std::map<std::string, std::string> annotations;  // of the artifact manifest
};

// The artifact's image manifest (OCI 1.1): mediaType, artifactType, the empty config
// descriptor, one layer with the document, subject, annotations.
RawManifest artifact_manifest(const Artifact& artifact, const Descriptor& subject);

// "sha256-<hex>": the fallback tag of the referrers of `subject`.
std::string referrers_tag(const Digest& subject);

// The referrers index `existing` (nullopt: none yet) with `manifest` added (its
// artifactType and annotations copied into the descriptor as the spec asks). An entry
// with the same digest is not added twice: nullopt when nothing changed. Throws Error
// when `existing` is not an OCI index (the tag is someone else's).
std::optional<RawManifest> add_referrer(const std::optional<RawManifest>& existing,
                                        const RawManifest& manifest, std::string_view where);

// Stores the artifact (blobs, then its manifest by digest) and makes it findable from
// `subject`: through the registry's referrers API when it has one (which indexes it by
// itself), else by updating the fallback tag's index. Returns the artifact manifest's
// descriptor.
Descriptor attach_artifact(AttachmentStore& store, const Descriptor& subject,
                           const Artifact& artifact);

}  // namespace imgstrip
