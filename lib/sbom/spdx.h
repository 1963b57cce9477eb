// An SPDX 2.3 JSON document of an inventory: the image as the package the document
// DESCRIBES (primaryPackagePurpose CONTAINER, its digest as checksum and pkg:oci purl),
// the operating system, and every component as a package the image CONTAINS, with its
// purl as a PACKAGE-MANAGER external reference. Same inventory, same bytes.
#pragma once

#include <string>

#include "sbom/inventory.h"
#include "sbom/subject.h"

namespace imgstrip {

inline constexpr std::string_view kSpdxMediaType = "application/spdx+json";

std::string spdx_document(const Inventory& inventory, const SbomSubject& subject);

}  // namespace imgstrip
