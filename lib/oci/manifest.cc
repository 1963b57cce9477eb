#include "oci/manifest.h"

#include <fmt/format.h>

#include "core/error.h"
#include "oci/media_types.h"

namespace imgstrip {
namespace {

Json parse_json(std::string_view bytes, std::string_view where) {
  Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) fail("{}: not valid JSON", where);
  if (!j.is_object()) fail("{}: expected a JSON object", where);
  return j;
}

std::string string_field(const Json& j, const char* key, std::string_view where, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) fail("{}: missing \"{}\"", where, key);
    return {};
  }
  if (!it->is_string()) fail("{}: \"{}\" must be a string", where, key);
  return it->get<std::string>();
}

std::map<std::string, std::string> annotations_of(const Json& j, std::string_view where) {
  std::map<std::string, std::string> out;
  auto it = j.find("annotations");
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) fail("{}: \"annotations\" must be an object", where);
  for (auto& [k, v] : it->items()) {
    if (!v.is_string()) fail("{}: annotation \"{}\" must be a string", where, k);
    out[k] = v.get<std::string>();
  }
  return out;
}

Json annotations_json(const std::map<std::string, std::string>& a) {
  Json j = Json::object();
  for (auto& [k, v] : a)
    j[k] = v;
  return j;
}

}  // namespace

Descriptor Descriptor::from_json(const Json& j, std::string_view where) {
  if (!j.is_object()) fail("{}: descriptor must be an object", where);
  Descriptor d;
  d.media_type = string_field(j, "mediaType", where, true);
  std::string digest = string_field(j, "digest", where, true);
  if (!Digest::valid(digest)) fail("{}: invalid digest \"{}\"", where, digest.substr(0, 100));
  d.digest = Digest::parse(digest);
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer()) {
    fail("{}: \"size\" must be an integer", where);
  }
  d.size = size->get<int64_t>();
  if (d.size < 0) fail("{}: negative size {}", where, d.size);
  d.annotations = annotations_of(j, where);
  if (auto it = j.find("urls"); it != j.end() && it->is_array()) {
    for (auto& u : *it) {
      if (u.is_string()) d.urls.push_back(u.get<std::string>());
    }
  }
  if (auto it = j.find("platform"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) fail("{}: \"platform\" must be an object", where);
    d.platform = Platform::from_json(*it);
  }
  return d;
}

Json Descriptor::to_json() const {
  Json j = Json::object();
  j["mediaType"] = media_type;
  j["digest"] = digest.str();
  j["size"] = size;
  if (!urls.empty()) j["urls"] = urls;
  if (!annotations.empty()) j["annotations"] = annotations_json(annotations);
  if (platform) {
    Json p = Json::object();
    p["architecture"] = platform->architecture;
    p["os"] = platform->os;
    if (!platform->os_version.empty()) p["os.version"] = platform->os_version;
    if (!platform->variant.empty()) p["variant"] = platform->variant;
    j["platform"] = p;
  }
  return j;
}

RawManifest RawManifest::of(std::string media_type, std::string bytes) {
  RawManifest r;
  r.digest = sha256_of(bytes);
  r.media_type = std::move(media_type);
  r.bytes = std::move(bytes);
  return r;
}

Manifest Manifest::parse(std::string_view bytes, std::string_view media_type,
                         std::string_view where) {
  Manifest m;
  m.json = parse_json(bytes, where);
  std::string declared = string_field(m.json, "mediaType", where, false);
  m.media_type = declared.empty() ? std::string(media_type) : declared;
  if (m.media_type.empty()) m.media_type = std::string(media::kOciManifest);
  if (media::is_index(m.media_type)) fail("{}: is an index, not an image manifest", where);
  if (!media::is_manifest(m.media_type)) {
    if (m.media_type == media::kDockerSchema1 || m.media_type == media::kDockerSchema1Signed) {
      fail(
          "{}: Docker schema 1 manifests are not supported (push the image again with a "
          "current client)",
          where);
    }
    fail("{}: unsupported manifest media type \"{}\"", where, m.media_type);
  }
  auto version = m.json.find("schemaVersion");
  if (version == m.json.end() || !version->is_number_integer() || version->get<int>() != 2) {
    fail("{}: \"schemaVersion\" must be 2", where);
  }
  auto config = m.json.find("config");
  if (config == m.json.end()) fail("{}: missing \"config\"", where);
  m.config = Descriptor::from_json(*config, fmt::format("{}: config", where));
  auto layers = m.json.find("layers");
  if (layers == m.json.end() || !layers->is_array()) fail("{}: missing \"layers\" array", where);
  size_t i = 0;
  for (auto& l : *layers) {
    m.layers.push_back(Descriptor::from_json(l, fmt::format("{}: layer {}", where, i++)));
  }
  m.annotations = annotations_of(m.json, where);
  return m;
}

std::string Manifest::serialize() const {
  Json j = json.is_object() ? json : Json::object();
  if (j.empty()) j["schemaVersion"] = 2;
  j["schemaVersion"] = 2;
  j["mediaType"] = media_type;
  j["config"] = config.to_json();
  Json layers_json = Json::array();
  for (auto& l : layers)
    layers_json.push_back(l.to_json());
  j["layers"] = layers_json;
  if (annotations.empty()) {
    j.erase("annotations");
  } else {
    j["annotations"] = annotations_json(annotations);
  }
  return j.dump();
}

Index Index::parse(std::string_view bytes, std::string_view media_type, std::string_view where) {
  Index x;
  x.json = parse_json(bytes, where);
  std::string declared = string_field(x.json, "mediaType", where, false);
  x.media_type = declared.empty() ? std::string(media_type) : declared;
  if (x.media_type.empty()) x.media_type = std::string(media::kOciIndex);
  if (!media::is_index(x.media_type)) fail("{}: not an index (\"{}\")", where, x.media_type);
  auto list = x.json.find("manifests");
  if (list == x.json.end() || !list->is_array()) fail("{}: missing \"manifests\" array", where);
  size_t i = 0;
  for (auto& d : *list) {
    x.manifests.push_back(Descriptor::from_json(d, fmt::format("{}: manifest {}", where, i++)));
  }
  x.annotations = annotations_of(x.json, where);
  return x;
}

std::string Index::serialize() const {
  Json j = json.is_object() ? json : Json::object();
  j["schemaVersion"] = 2;
  j["mediaType"] = media_type;
  Json list = Json::array();
  for (auto& d : manifests)
    list.push_back(d.to_json());
  j["manifests"] = list;
  if (annotations.empty()) {
    j.erase("annotations");
  } else {
    j["annotations"] = annotations_json(annotations);
  }
  return j.dump();
}

const Descriptor& Index::select(const Platform& want, std::string_view where) const {
  const Descriptor* best = nullptr;
  for (auto& d : manifests) {
    if (!media::is_manifest(d.media_type)) continue;          // attestations, nested indexes
    if (d.platform && d.platform->os == "unknown") continue;  // buildx attestation manifests
    if (!d.platform) {
      if (manifests.size() == 1) return d;
      continue;
    }
    if (want.matches(*d.platform)) {
      // Prefer an exact variant match over a variant-less candidate.
      if (best == nullptr || (d.platform->variant == want.variant && !want.variant.empty())) {
        best = &d;
      }
    }
  }
  if (best != nullptr) return *best;
  std::string offered;
  for (auto& d : manifests) {
    if (!d.platform) continue;
    if (!offered.empty()) offered += ", ";
    offered += d.platform->str();
  }
  fail("{}: no image for platform {} (the index offers: {}); choose one with --platform", where,
       want.str(), offered.empty() ? "none" : offered);
}

std::string sniff_manifest_type(std::string_view bytes) {
  Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!j.is_object()) return std::string(media::kOciManifest);
  if (auto it = j.find("mediaType"); it != j.end() && it->is_string()) {
    return it->get<std::string>();
  }
  if (j.contains("manifests")) return std::string(media::kOciIndex);
  return std::string(media::kOciManifest);
}

Manifest convert_manifest(const Manifest& m, bool to_docker) {
  Manifest out = m;
  if (m.docker() == to_docker) return out;
  out.media_type = std::string(to_docker ? media::kDockerManifest : media::kOciManifest);
  out.config.media_type = std::string(to_docker ? media::kDockerConfig : media::kOciConfig);
  for (auto& l : out.layers) {
    l.media_type =
        std::string(media::layer_type(media::layer_compression(l.media_type), to_docker));
  }
  if (to_docker) {
    // Docker schema 2 has no annotations; drop them rather than emit an invalid document.
    out.annotations.clear();
    for (auto& l : out.layers)
      l.annotations.clear();
    out.config.annotations.clear();
  }
  return out;
}

}  // namespace imgstrip
