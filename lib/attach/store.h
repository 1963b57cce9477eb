// Where signatures and other artifacts go next to an image: the same repository of a
// registry, or the same OCI image layout. Manifests are read and written by tag (the
// cosign `sha256-<hex>.sig` tag, the referrers fallback tag `sha256-<hex>`) or by digest.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "oci/manifest.h"
#include "registry/options.h"
#include "transport/transport.h"

namespace imgstrip {

class AttachmentStore {
 public:
  virtual ~AttachmentStore() = default;

  // "docker://host/repo", "oci:/dir", for messages.
  virtual std::string name() const = 0;

  // The manifest or index tagged `tag`; nullopt when there is no such tag.
  virtual std::optional<RawManifest> tagged(const std::string& tag) = 0;
  // A manifest by digest (checked against it); throws Error when it is missing.
  virtual RawManifest manifest(const Digest& digest) = 0;
  // A small blob, whole, verified against its digest; at most `limit` bytes.
  virtual std::string blob(const Descriptor& d, size_t limit) = 0;

  // Stores a blob (nothing to do when it is already there).
  virtual void put_blob(const Descriptor& d, const std::string& bytes) = 0;
  // Stores a manifest or index (its blobs and children stored before) under `tag`, or
  // by digest only when `tag` is empty.
  virtual void put_manifest(const RawManifest& m, const std::string& tag) = 0;

  // The referrers API's index of manifests whose subject is `subject`; nullopt when the
  // store has no such API (the client maintains the fallback tag instead).
  virtual std::optional<RawManifest> referrers(const Digest& subject) = 0;
};

// The store of a registry repository (docker://) or an OCI layout (oci:). Other
// destinations hold no attachments: UsageError naming the transport.
std::unique_ptr<AttachmentStore> open_attachment_store(const Location& where,
                                                       const RegistryOptions& options);
// Whether open_attachment_store accepts this destination.
bool holds_attachments(const Location& where);

// A descriptor of `bytes` stored as a blob or manifest of `media_type`.
Descriptor descriptor_of(std::string_view media_type, const std::string& bytes);

}  // namespace imgstrip
