#include "sbom/spdx.h"

#include <nlohmann/json.hpp>

#include "sbom/purl.h"

namespace imgstrip {
namespace {

using Json = nlohmann::ordered_json;

Json package(std::string id, const std::string& name, const std::string& version) {
  Json p = {{"SPDXID", std::move(id)}, {"name", name}};
  if (!version.empty()) p["versionInfo"] = version;
  p["downloadLocation"] = "NOASSERTION";
  p["filesAnalyzed"] = false;
  p["licenseConcluded"] = "NOASSERTION";
  p["licenseDeclared"] = "NOASSERTION";
  p["copyrightText"] = "NOASSERTION";
  return p;
}

Json purl_ref(const std::string& purl) {
  return Json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                       {"referenceType", "purl"},
                       {"referenceLocator", purl}}});
}

const char* spdx_origin(ComponentKind k) {
  switch (k) {
    case ComponentKind::OsPackage:
      return "OS package";
    case ComponentKind::Npm:
      return "npm package";
    case ComponentKind::Python:
      return "Python distribution";
    case ComponentKind::Java:
      return "Java archive";
  }
  return "";
}

}  // namespace

std::string spdx_document(const Inventory& inventory, const SbomSubject& subject) {
  Json packages = Json::array();
  Json relationships = Json::array();
  Json image = package("SPDXRef-Image", subject.repository, subject.digest.str());
  image["checksums"] =
      Json::array({{{"algorithm", "SHA256"}, {"checksumValue", subject.digest.hex}}});
  image["externalRefs"] = purl_ref(image_purl(subject));
  image["primaryPackagePurpose"] = "CONTAINER";
  packages.push_back(image);
  relationships.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"},
                           {"relationshipType", "DESCRIBES"},
                           {"relatedSpdxElement", "SPDXRef-Image"}});
  if (!inventory.os.id.empty()) {
    Json os = package("SPDXRef-OperatingSystem", inventory.os.id, inventory.os.version_id);
    if (!inventory.os.pretty_name.empty()) os["description"] = inventory.os.pretty_name;
    os["primaryPackagePurpose"] = "OPERATING-SYSTEM";
    packages.push_back(os);
    relationships.push_back({{"spdxElementId", "SPDXRef-Image"},
                             {"relationshipType", "CONTAINS"},
                             {"relatedSpdxElement", "SPDXRef-OperatingSystem"}});
  }
  size_t n = 0;
  for (const Component& c : inventory.components) {
    std::string id = "SPDXRef-Package-" + std::to_string(++n);
    std::string name = c.group.empty() ? c.name : c.group + ":" + c.name;
    Json p = package(id, name, c.version);
    if (!c.purl.empty()) p["externalRefs"] = purl_ref(c.purl);
    std::string info = spdx_origin(c.kind);
    if (!c.location.empty()) info += " recorded in " + c.location;
    p["sourceInfo"] = info;
    // An installed OS package is neither of SPDX's purposes exactly (INSTALL means an
    // installer): left out; application packages are libraries of the application.
    if (c.kind != ComponentKind::OsPackage) p["primaryPackagePurpose"] = "LIBRARY";
    packages.push_back(std::move(p));
    relationships.push_back({{"spdxElementId", "SPDXRef-Image"},
                             {"relationshipType", "CONTAINS"},
                             {"relatedSpdxElement", id}});
  }
  Json doc = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", subject.reference.empty() ? subject.repository : subject.reference},
      {"documentNamespace", "https://imgstrip.invalid/spdx/" + purl_escape(subject.repository) +
                                "/" + subject.digest.algorithm + "-" + subject.digest.hex},
      {"creationInfo",
       {{"created", subject.created},
        {"creators", Json::array({"Tool: imgstrip-" + subject.tool_version})}}},
      {"packages", packages},
      {"relationships", relationships}};
  return doc.dump(2) + "\n";
}

}  // namespace imgstrip
