#include "sbom/cyclonedx.h"

#include <nlohmann/json.hpp>

namespace imgstrip {
namespace {

using Json = nlohmann::ordered_json;

// A name-based UUID (version 5 layout, SHA-256 rather than SHA-1) of the image digest.
std::string serial_number(const Digest& image) {
  std::string h = sha256_of("cyclonedx " + image.str()).hex;
  h[12] = '5';
  h[16] = "89ab"[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20, 12);
}

const char* cyclonedx_origin(ComponentKind k) {
  switch (k) {
    case ComponentKind::OsPackage:
      return "os-package";
    case ComponentKind::Npm:
      return "npm";
    case ComponentKind::Python:
      return "python";
    case ComponentKind::Java:
      return "java-archive";
  }
  return "";
}

}  // namespace

std::string cyclonedx_document(const Inventory& inventory, const SbomSubject& subject) {
  Json image = {{"type", "container"},
                {"bom-ref", "image"},
                {"name", subject.repository},
                {"version", subject.digest.str()},
                {"hashes", Json::array({{{"alg", "SHA-256"}, {"content", subject.digest.hex}}})},
                {"purl", image_purl(subject)}};
  Json components = Json::array();
  Json depends = Json::array();
  if (!inventory.os.id.empty()) {
    Json os = {{"type", "operating-system"}, {"bom-ref", "os"}, {"name", inventory.os.id}};
    if (!inventory.os.version_id.empty()) os["version"] = inventory.os.version_id;
    if (!inventory.os.pretty_name.empty()) os["description"] = inventory.os.pretty_name;
    components.push_back(std::move(os));
    depends.push_back("os");
  }
  size_t n = 0;
  for (const Component& c : inventory.components) {
    std::string ref = "component-" + std::to_string(++n);
    Json j = {{"type", "library"}, {"bom-ref", ref}};
    if (!c.group.empty()) j["group"] = c.group;
    j["name"] = c.name;
    if (!c.version.empty()) j["version"] = c.version;
    if (!c.purl.empty()) j["purl"] = c.purl;
    Json props = Json::array({{{"name", "imgstrip:origin"}, {"value", cyclonedx_origin(c.kind)}}});
    if (!c.arch.empty()) props.push_back({{"name", "imgstrip:architecture"}, {"value", c.arch}});
    if (!c.location.empty())
      props.push_back({{"name", "imgstrip:location"}, {"value", c.location}});
    j["properties"] = props;
    components.push_back(std::move(j));
    depends.push_back(ref);
  }
  Json doc = {{"bomFormat", "CycloneDX"},
              {"specVersion", "1.5"},
              {"serialNumber", serial_number(subject.digest)},
              {"version", 1},
              {"metadata",
               {{"timestamp", subject.created},
                {"tools",
                 {{"components", Json::array({{{"type", "application"},
                                               {"name", "imgstrip"},
                                               {"version", subject.tool_version}}})}}},
                {"component", image}}},
              {"components", components},
              {"dependencies", Json::array({{{"ref", "image"}, {"dependsOn", depends}}})}};
  return doc.dump(2) + "\n";
}

}  // namespace imgstrip
