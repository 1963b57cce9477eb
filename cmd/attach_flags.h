// The flags that sign a written image and attach bills of materials to it (shared by
// `strip`, and `copy` for signing): checked before any work (the key is loaded and
// validated, the destination must hold attachments), applied after the image is complete.
#pragma once

#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

#include "attach/store.h"
#include "sbom/sbom.h"
#include "sign/sign_image.h"
#include "sign/signing_key.h"

namespace imgstrip::cli {

// --sign-by-sigstore-private-key, --sign-passphrase-file, --sign-identity.
void add_sign_flags(cxxopts::Options& options);
// --sbom, --sbom-out.
void add_sbom_flags(cxxopts::Options& options);

struct AttachRequest {
  std::optional<SigningKey> key;
  std::optional<Reference> identity;  // the name the signature and SBOMs give the image
  std::vector<SbomFormat> sboms;
  std::vector<std::string> sbom_files;  // one per format, same order; or none
  bool attach = false;                  // the destination holds attachments
};

// Reads and checks the flags against the destination; UsageError on any problem (a bad
// key, a passphrase file without a key, --sbom to a destination that holds no attachments
// without --sbom-out...).
AttachRequest attach_request(const cxxopts::ParseResult& args, const Location& to);

struct Attached {
  std::optional<ImageSignature> signature;
  std::vector<std::pair<SbomFormat, Descriptor>> sboms;  // the artifact manifests
};

// After the image `digest` is complete at `to`: writes the --sbom-out files, attaches
// the SBOMs (needs `inventory`) and signs. An Error says that the image itself was
// written and what failed.
Attached attach_to_image(const AttachRequest& request, const Location& to,
                         const RegistryOptions& options, const Digest& digest,
                         const Inventory* inventory, const std::string& created);

// The summary JSON of what was attached.
Json attached_json(const Attached& attached);

}  // namespace imgstrip::cli
