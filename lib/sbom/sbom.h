// Bills of materials of a stripped image: `--sbom spdx|cyclonedx`, the document's bytes,
// and the OCI 1.1 artifact that carries it next to the image (artifactType = the
// document's media type, one layer holding it, subject = the image).
#pragma once

#include <string>
#include <string_view>

#include "attach/referrers.h"
#include "sbom/inventory.h"
#include "sbom/subject.h"

namespace imgstrip {

enum class SbomFormat { Spdx, CycloneDx };

// "spdx" or "cyclonedx"; UsageError otherwise.
SbomFormat parse_sbom_format(std::string_view name);
std::string_view sbom_format_name(SbomFormat format);
std::string_view sbom_media_type(SbomFormat format);

std::string sbom_document(SbomFormat format, const Inventory& inventory,
                          const SbomSubject& subject);

// The artifact that attaches `document` to its image, annotated with its creation time.
Artifact sbom_artifact(SbomFormat format, std::string document, const SbomSubject& subject);

}  // namespace imgstrip
