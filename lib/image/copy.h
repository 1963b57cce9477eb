// Copies one image from any source to any sink, streaming each blob once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "image/image.h"
#include "image/sink.h"
#include "image/source.h"

namespace imgstrip {

struct CopyProgress {
  std::string what;  // "config", "layer 2/5"
  Descriptor blob;
  bool skipped = false;  // already present at the destination
};

struct CopyResult {
  Digest source_digest;  // of the image manifest read
  Digest digest;         // of the manifest written
  size_t blobs_copied = 0;
  size_t blobs_skipped = 0;
  uint64_t bytes_copied = 0;
};

CopyResult copy_image(ImageSource& source, ImageSink& sink, const Platform& platform,
                      const std::function<void(const CopyProgress&)>& on_blob = {});

// A blob to write, with a way to open its bytes (possibly several times).
struct BlobToWrite {
  Descriptor descriptor;
  StreamOpener open;
};

// Writes an image made of `manifest`, its config bytes and its layers to a sink,
// converting the manifest to the family the sink wants; commits at the end. When no
// conversion is needed and `original` is given, its bytes are written unchanged so the
// manifest digest is preserved.
CopyResult put_image(ImageSink& sink, const Manifest& manifest, const std::string& config_bytes,
                     const std::vector<BlobToWrite>& layers,
                     const std::function<void(const CopyProgress&)>& on_blob = {},
                     const RawManifest* original = nullptr);

}  // namespace imgstrip
