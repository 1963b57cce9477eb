#include "sbom/sbom.h"

#include "core/error.h"
#include "sbom/cyclonedx.h"
#include "sbom/spdx.h"

namespace imgstrip {

SbomFormat parse_sbom_format(std::string_view name) {
  if (name == "spdx" || name == "spdx-json") return SbomFormat::Spdx;
  if (name == "cyclonedx" || name == "cyclonedx-json") return SbomFormat::CycloneDx;
  usage_fail("unknown SBOM format \"{}\": spdx or cyclonedx", name);
}

std::string_view sbom_format_name(SbomFormat format) {
  return format == SbomFormat::Spdx ? "spdx" : "cyclonedx";
}

std::string_view sbom_media_type(SbomFormat format) {
  return format == SbomFormat::Spdx ? kSpdxMediaType : kCycloneDxMediaType;
}

std::string sbom_document(SbomFormat format, const Inventory& inventory,
                          const SbomSubject& subject) {
  return format == SbomFormat::Spdx ? spdx_document(inventory, subject)
                                    : cyclonedx_document(inventory, subject);
}

Artifact sbom_artifact(SbomFormat format, std::string document, const SbomSubject& subject) {
  Artifact a;
  a.artifact_type = std::string(sbom_media_type(format));
  a.layer_media_type = a.artifact_type;
  a.bytes = std::move(document);
  a.annotations["org.opencontainers.image.created"] = subject.created;
  return a;
}

}  // namespace imgstrip
