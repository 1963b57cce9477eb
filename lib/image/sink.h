// Where images go. A sink receives blobs, then one manifest, then commit(): until commit
// nothing is visible at the destination (no tag, no index entry, no output file), so a
// failure never leaves a half-written image behind.
#pragma once

#include <string>
#include <string_view>

#include "core/stream.h"
#include "oci/manifest.h"
#include "oci/media_types.h"

namespace imgstrip {

class ImageSink {
 public:
  virtual ~ImageSink() = default;

  virtual std::string name() const = 0;

  // Whether the destination stores Docker schema 2 rather than OCI manifests; the copier
  // converts to the family the sink wants.
  virtual bool wants_docker_manifest() const { return false; }

  // Whether the destination stores a manifest of this media type as it is; when not, the
  // copier converts it to the family above (and its digest changes).
  virtual bool accepts_manifest(std::string_view media_type) const {
    return media_type == (wants_docker_manifest() ? media::kDockerManifest : media::kOciManifest);
  }

  // True when the destination already has this blob (no upload needed).
  virtual bool has_blob(const Descriptor& /*d*/) { return false; }

  // Stores a blob. `open` gives a fresh stream over its bytes each time it is called
  // (a sink may retry); the streams given by the copier verify digest and size.
  virtual void put_blob(const Descriptor& d, const StreamOpener& open) = 0;

  // Stores the image manifest (all its blobs have been put before).
  virtual void put_manifest(const RawManifest& manifest) = 0;

  // Makes the image visible under its name/tag. Returns the digest of what was written.
  virtual Digest commit() = 0;
};

}  // namespace imgstrip
