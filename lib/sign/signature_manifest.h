// The manifest cosign stores signatures in: an OCI image manifest tagged
// `sha256-<hex>.sig` next to the image, one layer per signature (the simple-signing
// payload, media type application/vnd.dev.cosign.simplesigning.v1+json) with the base64
// DER signature in the annotation dev.cosignproject.cosign/signature, and a config
// (application/vnd.oci.image.config.v1+json) whose rootfs lists the layers, as cosign
// writes it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "oci/manifest.h"

namespace imgstrip {

inline constexpr std::string_view kCosignSignatureAnnotation = "dev.cosignproject.cosign/signature";

// "sha256-<hex>.sig" for the image `image`.
std::string signature_tag(const Digest& image);

struct SignatureManifest {
  RawManifest manifest;
  std::string config;  // the config blob's bytes
  Descriptor config_descriptor;
  bool replaced = false;  // an earlier layer was replaced rather than a new one appended
};

// The signature manifest with `layer` (a payload descriptor carrying the signature
// annotation) added to `existing` (nullopt: the first signature). Layers of `existing`
// stay, except one `replaces` says the new layer supersedes (the same payload signed again
// by the same key). Throws Error naming `where` when `existing` is not an OCI image manifest.
SignatureManifest add_signature(const std::optional<RawManifest>& existing, const Descriptor& layer,
                                const std::function<bool(const Descriptor&)>& replaces,
                                std::string_view where);

}  // namespace imgstrip
