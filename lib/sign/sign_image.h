// Signs an image already stored (registry repository or OCI layout) in cosign's format:
// the simple-signing payload for (reference, digest), signed with the key, stored as a
// layer of the manifest tagged `sha256-<hex>.sig` next to the image. An existing
// signature manifest keeps its other signatures (cosign appends); the same payload signed
// again by the same key replaces its earlier signature instead of piling up.
#pragma once

#include <string>

#include "attach/store.h"
#include "sign/signing_key.h"

namespace imgstrip {

struct ImageSignature {
  std::string tag;      // "sha256-<hex>.sig"
  Digest manifest;      // of the signature manifest written
  std::string payload;  // the signed payload
  bool replaced = false;
};

// `docker_reference`: the fully qualified name the image was pushed as
// ("127.0.0.1:5000/web:stripped").
ImageSignature sign_image(AttachmentStore& store, const SigningKey& key,
                          const std::string& docker_reference, const Digest& image);

}  // namespace imgstrip
