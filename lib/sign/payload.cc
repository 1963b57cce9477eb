#include "sign/payload.h"

#include <nlohmann/json.hpp>

namespace imgstrip {

std::string simple_signing_payload(std::string_view docker_reference, const Digest& digest) {
  nlohmann::ordered_json j = {{"critical",
                               {{"identity", {{"docker-reference", docker_reference}}},
                                {"image", {{"docker-manifest-digest", digest.str()}}},
                                {"type", kSimpleSigningType}}},
                              {"optional", nullptr}};
  return j.dump();
}

std::optional<SignedClaim> parse_simple_signing(std::string_view payload) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto critical = j.find("critical");
  if (critical == j.end() || !critical->is_object()) return std::nullopt;
  auto type = critical->find("type");
  auto identity = critical->find("identity");
  auto image = critical->find("image");
  if (type == critical->end() || !type->is_string() || *type != kSimpleSigningType) {
    return std::nullopt;
  }
  if (identity == critical->end() || !identity->is_object() || image == critical->end() ||
      !image->is_object()) {
    return std::nullopt;
  }
  auto ref = identity->find("docker-reference");
  auto digest = image->find("docker-manifest-digest");
  if (ref == identity->end() || !ref->is_string() || digest == image->end() ||
      !digest->is_string()) {
    return std::nullopt;
  }
  return SignedClaim{ref->get<std::string>(), digest->get<std::string>()};
}

}  // namespace imgstrip
