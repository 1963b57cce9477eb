#include "sign/sign_image.h"

#include <fmt/format.h>

#include "registry/http.h"
#include "sign/payload.h"
#include "sign/signature_manifest.h"

namespace imgstrip {

ImageSignature sign_image(AttachmentStore& store, const SigningKey& key,
                          const std::string& docker_reference, const Digest& image) {
  ImageSignature out;
  out.tag = signature_tag(image);
  out.payload = simple_signing_payload(docker_reference, image);
  Descriptor layer = descriptor_of(kSimpleSigningMediaType, out.payload);
  layer.annotations[std::string(kCosignSignatureAnnotation)] = base64_encode(key.sign(out.payload));

  auto same_signer = [&](const Descriptor& old) {
    if (old.digest != layer.digest || old.media_type != kSimpleSigningMediaType) return false;
    auto it = old.annotations.find(std::string(kCosignSignatureAnnotation));
    if (it == old.annotations.end()) return false;
    auto der = base64_decode(it->second);
    return der && key.verify(out.payload, *der);
  };
  std::string where = fmt::format("{}:{}", store.name(), out.tag);
  SignatureManifest sm = add_signature(store.tagged(out.tag), layer, same_signer, where);
  store.put_blob(layer, out.payload);
  store.put_blob(sm.config_descriptor, sm.config);
  store.put_manifest(sm.manifest, out.tag);
  out.manifest = sm.manifest.digest;
  out.replaced = sm.replaced;
  return out;
}

}  // namespace imgstrip
