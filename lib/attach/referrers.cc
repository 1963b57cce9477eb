#include "attach/referrers.h"

#include <fmt/format.h>

#include "core/error.h"
#include "oci/media_types.h"

namespace imgstrip {
namespace {

Json descriptor_json(const Descriptor& d) {
  Json j = {{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  return j;
}

}  // namespace

RawManifest artifact_manifest(const Artifact& artifact, const Descriptor& subject) {
  Descriptor config = descriptor_of(kEmptyMediaType, std::string(kEmptyJson));
  Descriptor layer = descriptor_of(artifact.layer_media_type, artifact.bytes);
  Json j = {{"schemaVersion", 2},
            {"mediaType", media::kOciManifest},
            {"artifactType", artifact.artifact_type},
            {"config", descriptor_json(config)},
            {"layers", Json::array({descriptor_json(layer)})},
            {"subject", descriptor_json(subject)}};
  if (!artifact.annotations.empty()) j["annotations"] = artifact.annotations;
  return RawManifest::of(std::string(media::kOciManifest), j.dump());
}

std::string referrers_tag(const Digest& subject) {
  return subject.algorithm + "-" + subject.hex;
}

std::optional<RawManifest> add_referrer(const std::optional<RawManifest>& existing,
                                        const RawManifest& manifest, std::string_view where) {
  Json index = {
      {"schemaVersion", 2}, {"mediaType", media::kOciIndex}, {"manifests", Json::array()}};
  if (existing) {
    if (existing->media_type != media::kOciIndex) {
      fail("{}: the referrers tag holds a {}, not an OCI image index", where, existing->media_type);
    }
    index = Json::parse(existing->bytes, nullptr, false);
    if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array()) {
      fail("{}: the referrers tag holds no valid image index (no manifests array)", where);
    }
    for (const Json& entry : index["manifests"]) {
      if (!entry.is_object() || !entry.contains("digest") || !entry["digest"].is_string()) {
        fail("{}: the referrers index has an entry without a digest", where);
      }
      if (entry["digest"].get<std::string>() == manifest.digest.str()) return std::nullopt;
    }
  }
  Json m = Json::parse(manifest.bytes, nullptr, false);
  if (!m.is_object()) fail("{}: the artifact manifest is not a JSON object", where);
  Json d = {{"mediaType", manifest.media_type},
            {"digest", manifest.digest.str()},
            {"size", manifest.bytes.size()}};
  if (m.contains("artifactType") && m["artifactType"].is_string()) {
    d["artifactType"] = m["artifactType"];
  } else if (m.contains("config") && m["config"].is_object() && m["config"].contains("mediaType") &&
             m["config"]["mediaType"].is_string()) {
    d["artifactType"] = m["config"]["mediaType"];  // as the spec says for manifests without one
  }
  if (m.contains("annotations") && m["annotations"].is_object())
    d["annotations"] = m["annotations"];
  index["manifests"].push_back(std::move(d));
  return RawManifest::of(std::string(media::kOciIndex), index.dump());
}

Descriptor attach_artifact(AttachmentStore& store, const Descriptor& subject,
                           const Artifact& artifact) {
  std::string empty(kEmptyJson);
  store.put_blob(descriptor_of(kEmptyMediaType, empty), empty);
  store.put_blob(descriptor_of(artifact.layer_media_type, artifact.bytes), artifact.bytes);
  RawManifest m = artifact_manifest(artifact, subject);
  store.put_manifest(m, "");
  if (store.referrers(subject.digest)) return descriptor_of(m.media_type, m.bytes);
  std::string tag = referrers_tag(subject.digest);
  std::string where = fmt::format("{}:{}", store.name(), tag);
  if (auto index = add_referrer(store.tagged(tag), m, where)) store.put_manifest(*index, tag);
  return descriptor_of(m.media_type, m.bytes);
}

}  // namespace imgstrip
