// Where images come from. A transport (registry, OCI layout, docker-archive) implements
// ImageSource; everything downstream works on the interface and never knows which.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/stream.h"
#include "oci/manifest.h"

namespace imgstrip {

class ImageSource {
 public:
  virtual ~ImageSource() = default;

  // How to name this source in messages: "oci:/tmp/x:latest", "docker://host/repo:tag".
  virtual std::string name() const = 0;

  // The manifest or index the reference points at, as stored.
  virtual RawManifest root() = 0;

  // A manifest named by digest (a child of an index).
  virtual RawManifest manifest(const Digest& digest) = 0;

  // The bytes of a blob (config or layer), unverified: open_blob() below wraps it with
  // digest and size checks, and that is what callers use.
  virtual std::unique_ptr<ReadStream> blob(const Descriptor& d) = 0;

  // A hint that these blobs will be read soon, largest first; a remote source may start
  // fetching them in parallel. The default does nothing.
  virtual void prefetch(const std::vector<Descriptor>& /*blobs*/) {}
};

// A verified stream over a blob: an error at the end if its digest or size is wrong.
std::unique_ptr<ReadStream> open_blob(ImageSource& source, const Descriptor& d);
// A whole small blob (config) in memory, verified; `limit` bounds its size.
std::string read_blob(ImageSource& source, const Descriptor& d, size_t limit);

}  // namespace imgstrip
