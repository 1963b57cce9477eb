// A CycloneDX 1.5 JSON document of an inventory: metadata.component is the image (type
// container, its digest as version and hash, its pkg:oci purl), the operating system and
// every component (type library) follow with their purls, and the image depends on them
// all. The serial number is derived from the image digest: same inventory, same bytes.
#pragma once

#include <string>

#include "sbom/inventory.h"
#include "sbom/subject.h"

namespace imgstrip {

inline constexpr std::string_view kCycloneDxMediaType = "application/vnd.cyclonedx+json";

std::string cyclonedx_document(const Inventory& inventory, const SbomSubject& subject);

}  // namespace imgstrip
