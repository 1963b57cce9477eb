// The payload a cosign-format signature signs: the "simple signing" JSON of sigstore's
// SIGNATURE_SPEC, with the keys in lowercase as containers/image's strict parser wants:
//   {"critical":{"identity":{"docker-reference":REF},
//                "image":{"docker-manifest-digest":"sha256:..."},
//                "type":"cosign container image signature"},"optional":null}
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "oci/digest.h"

namespace imgstrip {

inline constexpr std::string_view kSimpleSigningType = "cosign container image signature";
inline constexpr std::string_view kSimpleSigningMediaType =
    "application/vnd.dev.cosign.simplesigning.v1+json";

// `docker_reference` is fully qualified ("127.0.0.1:5000/web:stripped").
std::string simple_signing_payload(std::string_view docker_reference, const Digest& digest);

// What a payload claims; nullopt when it is not a simple-signing payload (wrong type,
// missing fields, not JSON). Bounds-checked: payloads come from registries.
struct SignedClaim {
  std::string docker_reference;
  std::string manifest_digest;
};
std::optional<SignedClaim> parse_simple_signing(std::string_view payload);

}  // namespace imgstrip
