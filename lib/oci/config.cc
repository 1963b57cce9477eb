#include "oci/config.h"

#include "core/error.h"

namespace imgstrip {

ImageConfig ImageConfig::parse(std::string_view bytes, std::string_view where) {
  ImageConfig c;
  c.json_ = Json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (c.json_.is_discarded()) fail("{}: image config is not valid JSON", where);
  if (!c.json_.is_object()) fail("{}: image config must be a JSON object", where);
  auto rootfs = c.json_.find("rootfs");
  if (rootfs != c.json_.end()) {
    if (!rootfs->is_object()) fail("{}: \"rootfs\" must be an object", where);
    auto ids = rootfs->find("diff_ids");
    if (ids != rootfs->end()) {
      if (!ids->is_array()) fail("{}: \"rootfs.diff_ids\" must be an array", where);
      for (auto& id : *ids) {
        if (!id.is_string() || !Digest::valid(id.get<std::string>())) {
          fail("{}: invalid diff_id in rootfs.diff_ids", where);
        }
      }
    }
  }
  auto cfg = c.json_.find("config");
  if (cfg != c.json_.end() && !cfg->is_null() && !cfg->is_object()) {
    fail("{}: \"config\" must be an object", where);
  }
  return c;
}

Platform ImageConfig::platform() const {
  return Platform::from_json(json_);
}

std::vector<Digest> ImageConfig::diff_ids() const {
  std::vector<Digest> out;
  auto rootfs = json_.find("rootfs");
  if (rootfs == json_.end()) return out;
  auto ids = rootfs->find("diff_ids");
  if (ids == rootfs->end()) return out;
  for (auto& id : *ids)
    out.push_back(Digest::parse(id.get<std::string>()));
  return out;
}

const Json* ImageConfig::config_field(const char* key) const {
  auto cfg = json_.find("config");
  if (cfg == json_.end() || !cfg->is_object()) return nullptr;
  auto it = cfg->find(key);
  if (it == cfg->end() || it->is_null()) return nullptr;
  return &*it;
}

std::vector<std::string> ImageConfig::strings(const char* key) const {
  std::vector<std::string> out;
  const Json* v = config_field(key);
  if (v == nullptr || !v->is_array()) return out;
  for (auto& s : *v) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

std::string ImageConfig::string(const char* key) const {
  const Json* v = config_field(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->get<std::string>();
}

std::vector<std::string> ImageConfig::keys(const char* key) const {
  std::vector<std::string> out;
  const Json* v = config_field(key);
  if (v == nullptr || !v->is_object()) return out;
  for (auto& [k, _] : v->items())
    out.push_back(k);
  return out;
}

std::map<std::string, std::string> ImageConfig::labels() const {
  std::map<std::string, std::string> out;
  const Json* v = config_field("Labels");
  if (v == nullptr || !v->is_object()) return out;
  for (auto& [k, val] : v->items()) {
    if (val.is_string()) out[k] = val.get<std::string>();
  }
  return out;
}

std::string ImageConfig::created() const {
  auto it = json_.find("created");
  if (it == json_.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::vector<HistoryEntry> ImageConfig::history() const {
  std::vector<HistoryEntry> out;
  auto h = json_.find("history");
  if (h == json_.end() || !h->is_array()) return out;
  for (auto& e : *h) {
    if (!e.is_object()) continue;
    HistoryEntry x;
    if (auto it = e.find("created"); it != e.end() && it->is_string()) x.created = *it;
    if (auto it = e.find("created_by"); it != e.end() && it->is_string()) x.created_by = *it;
    if (auto it = e.find("comment"); it != e.end() && it->is_string()) x.comment = *it;
    if (auto it = e.find("empty_layer"); it != e.end() && it->is_boolean()) x.empty_layer = *it;
    out.push_back(x);
  }
  return out;
}

std::vector<std::string> ImageConfig::command_line() const {
  std::vector<std::string> out = entrypoint();
  for (auto* part : {"Cmd", "Env"})
    for (auto& w : strings(part))
      out.push_back(std::move(w));
  if (auto check = health_check())
    for (auto& w : check->command)
      out.push_back(std::move(w));
  return out;
}

std::optional<Healthcheck> ImageConfig::health_check(std::string* unknown_type) const {
  const Json* h = config_field("Healthcheck");
  if (h == nullptr) return std::nullopt;
  return parse_healthcheck(*h, shell(), unknown_type);
}

std::optional<std::string> ImageConfig::env_value(std::string_view name) const {
  for (auto& kv : env()) {
    if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 &&
        kv[name.size()] == '=') {
      return kv.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

void ImageConfig::set_layers(const std::vector<Digest>& diff_ids,
                             const std::vector<HistoryEntry>& history) {
  Json ids = Json::array();
  for (auto& d : diff_ids)
    ids.push_back(d.str());
  Json rootfs = Json::object();
  rootfs["type"] = "layers";
  rootfs["diff_ids"] = ids;
  json_["rootfs"] = rootfs;
  Json h = Json::array();
  for (auto& e : history) {
    Json x = Json::object();
    if (!e.created.empty()) x["created"] = e.created;
    if (!e.created_by.empty()) x["created_by"] = e.created_by;
    if (!e.comment.empty()) x["comment"] = e.comment;
    if (e.empty_layer) x["empty_layer"] = true;
    h.push_back(x);
  }
  json_["history"] = h;
}

void ImageConfig::set_created(std::string_view created) {
  json_["created"] = created;
}

Json& ImageConfig::config_object() {
  auto it = json_.find("config");
  if (it == json_.end() || !it->is_object()) json_["config"] = Json::object();
  return json_["config"];
}

void ImageConfig::set_label(std::string_view key, std::string_view value) {
  Json& cfg = config_object();
  if (!cfg.contains("Labels") || !cfg["Labels"].is_object()) cfg["Labels"] = Json::object();
  cfg["Labels"][std::string(key)] = value;
}

void ImageConfig::set_config_field(std::string_view key, const Json& value) {
  config_object()[std::string(key)] = value;
}

void ImageConfig::add_exposed_port(std::string_view port) {
  Json& cfg = config_object();
  if (!cfg.contains("ExposedPorts") || !cfg["ExposedPorts"].is_object()) {
    cfg["ExposedPorts"] = Json::object();
  }
  cfg["ExposedPorts"][std::string(port)] = Json::object();
}

}  // namespace imgstrip
