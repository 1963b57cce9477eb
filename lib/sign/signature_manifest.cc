#include "sign/signature_manifest.h"

#include "core/error.h"
#include "oci/media_types.h"

namespace imgstrip {
namespace {

constexpr std::string_view kZeroTime = "0001-01-01T00:00:00Z";

std::string config_for(const std::vector<Descriptor>& layers) {
  Json diff_ids = Json::array();
  Json history = Json::array();
  for (auto& l : layers) {
    diff_ids.push_back(l.digest.str());  // layers are uncompressed: diff_id == digest
    history.push_back({{"created", kZeroTime}});
  }
  Json j = {{"architecture", ""},
            {"created", kZeroTime},
            {"history", history},
            {"os", ""},
            {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
            {"config", Json::object()}};
  return j.dump();
}

}  // namespace

std::string signature_tag(const Digest& image) {
  return image.algorithm + "-" + image.hex + ".sig";
}

SignatureManifest add_signature(const std::optional<RawManifest>& existing, const Descriptor& layer,
                                const std::function<bool(const Descriptor&)>& replaces,
                                std::string_view where) {
  SignatureManifest out;
  std::vector<Descriptor> layers;
  Json annotations;
  if (existing) {
    if (existing->media_type != media::kOciManifest) {
      fail("{}: the signature tag holds a {}, not an OCI image manifest", where,
           existing->media_type);
    }
    Manifest m = Manifest::parse(existing->bytes, existing->media_type, where);
    for (auto& l : m.layers) {
      if (!out.replaced && replaces(l)) {
        out.replaced = true;
        continue;
      }
      layers.push_back(l);
    }
    if (!m.annotations.empty()) annotations = m.annotations;
  }
  layers.push_back(layer);
  out.config = config_for(layers);
  out.config_descriptor.media_type = std::string(media::kOciConfig);
  out.config_descriptor.digest = sha256_of(out.config);
  out.config_descriptor.size = static_cast<int64_t>(out.config.size());
  Json layer_json = Json::array();
  for (auto& l : layers)
    layer_json.push_back(l.to_json());
  Json j = {{"schemaVersion", 2},
            {"mediaType", media::kOciManifest},
            {"config", out.config_descriptor.to_json()},
            {"layers", layer_json}};
  if (!annotations.is_null()) j["annotations"] = annotations;
  out.manifest = RawManifest::of(std::string(media::kOciManifest), j.dump());
  return out;
}

}  // namespace imgstrip
