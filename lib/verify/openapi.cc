#include "verify/openapi.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/text.h"

namespace imgstrip::verify {

namespace {

using Json = nlohmann::json;

// A string member of an object: "" when the value is no object, or the member is missing or
// not a string ({"name": {...}} is a malformed document, not a reason to stop).
std::string text_of(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

constexpr int kMaxDepth = 8;
constexpr size_t kMaxSamples = 20000;
constexpr std::array<std::string_view, 7> kMethods = {"get",   "put",  "post",   "delete",
                                                      "patch", "head", "options"};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string percent_encode(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

class Document {
 public:
  explicit Document(Json root) : root_(std::move(root)) {}

  // Follows local "$ref": "#/a/b" pointers (a bounded number of times).
  const Json& deref(const Json& j) const {
    const Json* cur = &j;
    for (int i = 0; i < kMaxDepth && cur->is_object(); ++i) {
      auto ref = cur->find("$ref");
      if (ref == cur->end() || !ref->is_string()) break;
      std::string r = ref->get<std::string>();
      if (!r.starts_with("#/")) return null_;
      try {
        const Json& target = root_.at(Json::json_pointer(r.substr(1)));
        cur = &target;
      } catch (const Json::exception&) {
        return null_;
      }
    }
    return *cur;
  }

  // A value for a schema: its example, default or first enum value, else one made from its
  // type (objects with every property, arrays with one item).
  Json sample(const Json& schema_in, int depth = 0) const {
    const Json& schema = deref(schema_in);
    // Depth and a total budget bound the work on self-referencing schemas.
    if (!schema.is_object() || depth > kMaxDepth || ++samples_ > kMaxSamples) return nullptr;
    for (const char* key : {"example", "default"})
      if (auto it = schema.find(key); it != schema.end()) return *it;
    if (auto e = schema.find("examples"); e != schema.end() && e->is_array() && !e->empty())
      return e->front();
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty())
      return e->front();
    for (const char* key : {"allOf", "oneOf", "anyOf"}) {
      auto it = schema.find(key);
      if (it == schema.end() || !it->is_array() || it->empty()) continue;
      if (std::string_view(key) != "allOf") return sample(it->front(), depth + 1);
      Json merged = Json::object();
      for (const Json& part : *it) {
        Json v = sample(part, depth + 1);
        if (v.is_object()) merged.update(v);
      }
      return merged;
    }
    std::string type;
    if (auto t = schema.find("type"); t != schema.end()) {
      if (t->is_string()) type = t->get<std::string>();
      if (t->is_array() && !t->empty() && t->front().is_string())
        type = t->front().get<std::string>();
    }
    if (type.empty() && schema.contains("properties")) type = "object";
    if (type == "integer" || type == "number") {
      double v = type == "integer" ? 1 : 1.5;
      if (auto m = schema.find("minimum"); m != schema.end() && m->is_number())
        v = std::max(v, m->get<double>());
      if (type == "integer") return static_cast<long long>(v);
      return v;
    }
    if (type == "boolean") return true;
    if (type == "array") {
      Json item = sample(schema.value("items", Json::object()), depth + 1);
      return Json::array({item});
    }
    if (type == "object") {
      Json obj = Json::object();
      if (auto p = schema.find("properties"); p != schema.end() && p->is_object()) {
        for (auto& [k, v] : p->items())
          obj[k] = sample(v, depth + 1);
      }
      return obj;
    }
    if (type == "string") {
      std::string format = text_of(schema, "format");
      if (format == "uuid") return "123e4567-e89b-12d3-a456-426614174000";
      if (format == "date") return "2024-01-01";
      if (format == "date-time") return "2024-01-01T00:00:00Z";
      if (format == "email") return "user@example.com";
      if (format == "uri" || format == "url") return "http://example.com/";
      return "example";
    }
    return nullptr;
  }

  // A parameter's value: its example, its schema's sample.
  Json param_value(const Json& p) const {
    if (auto e = p.find("example"); e != p.end()) return *e;
    if (auto e = p.find("examples"); e != p.end() && e->is_object() && !e->empty()) {
      const Json& first = deref(e->begin().value());
      if (first.is_object() && first.contains("value")) return first["value"];
    }
    return sample(p.value("schema", Json::object()));
  }

  const Json& root() const { return root_; }
  void reset_budget() { samples_ = 0; }

 private:
  Json root_;
  Json null_;
  mutable size_t samples_ = 0;
};

std::string scalar_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "1";
  if (v.is_array() && !v.empty()) return scalar_text(v.front());
  return v.dump();
}

// The path part of servers[0].url ("https://h/api/v1" -> "/api/v1"), "" when none.
std::string base_path(const Json& root) {
  auto s = root.find("servers");
  if (s == root.end() || !s->is_array() || s->empty() || !s->front().is_object()) return "";
  std::string url = text_of(s->front(), "url");
  size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    size_t slash = url.find('/', scheme + 3);
    url = slash == std::string::npos ? "" : url.substr(slash);
  }
  if (!url.starts_with('/')) return "";
  while (url.ends_with('/'))
    url.pop_back();
  return url;
}

}  // namespace

std::vector<Request> requests_from_openapi(std::string_view text, std::string_view name,
                                           const OpenApiOptions& options) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (text[first] != '{'))
    usage_fail("{}: not a JSON document (OpenAPI documents are read as JSON; convert YAML first)",
               name);
  Json root = Json::parse(text, nullptr, false);
  if (!root.is_object()) usage_fail("{}: not valid JSON", name);
  auto version = root.find("openapi");
  if (version == root.end() || !version->is_string() ||
      !version->get<std::string>().starts_with("3"))
    usage_fail("{}: not an OpenAPI 3 document (no \"openapi\": \"3.x\")", name);
  auto paths = root.find("paths");
  if (paths == root.end() || !paths->is_object()) usage_fail("{}: no \"paths\" object", name);
  Document doc(root);
  std::string base = base_path(root);
  std::vector<Request> out;
  std::vector<Request> probes;
  for (auto& [tpath, item_in] : paths->items()) {
    const Json& item = doc.deref(item_in);
    if (!tpath.starts_with('/') || !item.is_object() || has_control(tpath)) continue;
    std::vector<std::string> declared;
    std::vector<std::string> path_params;
    for (std::string_view m : kMethods) {
      auto op_it = item.find(std::string(m));
      if (op_it == item.end()) continue;
      const Json& op = doc.deref(*op_it);
      if (!op.is_object()) continue;
      declared.push_back(upper(m));
      doc.reset_budget();
      Request r;
      r.method = upper(m);
      r.origin = fmt::format("{} {} {}", name, r.method, tpath);
      std::string path = tpath;
      std::string query;
      std::vector<const Json*> params;
      for (const Json* list : {&item, &op}) {
        auto p = list->find("parameters");
        if (p == list->end() || !p->is_array()) continue;
        for (const Json& each : *p)
          params.push_back(&doc.deref(each));
      }
      for (const Json* p : params) {
        if (!p->is_object()) continue;
        std::string pname = text_of(*p, "name");
        std::string in = text_of(*p, "in");
        if (pname.empty() || has_control(pname)) continue;
        std::string value = scalar_text(doc.param_value(*p));
        if (in == "path") {
          std::string key = "{" + pname + "}";
          size_t at = path.find(key);
          if (at != std::string::npos) path.replace(at, key.size(), percent_encode(value));
          if (std::find(path_params.begin(), path_params.end(), pname) == path_params.end())
            path_params.push_back(pname);
        } else if (in == "query") {
          query +=
              (query.empty() ? "?" : "&") + percent_encode(pname) + "=" + percent_encode(value);
        } else if (in == "header" && !has_control(value)) {
          r.headers.emplace_back(pname, value);
        }
      }
      r.path = base + path + query;
      bool takes_body = false;
      if (auto b = op.find("requestBody"); b != op.end()) {
        const Json& body = doc.deref(*b);
        auto content = body.is_object() ? body.find("content") : body.end();
        if (content != body.end() && content->is_object()) {
          takes_body = true;
          if (auto j = content->find("application/json"); j != content->end() && j->is_object()) {
            Json v = j->contains("example") ? (*j)["example"]
                                            : doc.sample(j->value("schema", Json::object()));
            r.body = v.dump();
            r.has_body = true;
            r.headers.emplace_back("Content-Type", "application/json");
          } else if (auto f = content->find("application/x-www-form-urlencoded");
                     f != content->end() && f->is_object()) {
            Json v = doc.sample(f->value("schema", Json::object()));
            std::string form;
            if (v.is_object()) {
              for (auto& [k, fv] : v.items())
                form += (form.empty() ? "" : "&") + percent_encode(k) + "=" +
                        percent_encode(scalar_text(fv));
            }
            r.body = form;
            r.has_body = true;
            r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
          }
        }
      }
      if (options.probes && takes_body) {
        Request bad = r;
        bad.origin = r.origin + " (malformed body)";
        bad.body = "{\"malformed\": [1, 2,";
        bad.has_body = true;
        bad.headers = {{"Content-Type", "application/json"}};
        probes.push_back(bad);
        Request big = bad;
        big.origin = r.origin + " (oversized body)";
        big.body = "{\"x\":\"" + std::string(options.oversized_bytes, 'a') + "\"}";
        probes.push_back(std::move(big));
      }
      out.push_back(std::move(r));
    }
    if (!options.probes || declared.empty()) continue;
    // Path traversal through each path parameter, and after the path's fixed prefix.
    std::string traversal = "../../../../../../etc/passwd";
    for (const std::string& p : path_params) {
      Request t;
      t.method = "GET";
      t.origin = fmt::format("{} GET {} (path traversal in {{{}}})", name, tpath, p);
      std::string path = tpath;
      std::string key = "{" + p + "}";
      size_t at_key = path.find(key);
      if (at_key == std::string::npos) continue;  // declared, but not in the path
      path.replace(at_key, key.size(), percent_encode(traversal));
      for (const std::string& other : path_params) {
        std::string k = "{" + other + "}";
        if (size_t at = path.find(k); at != std::string::npos) path.replace(at, k.size(), "1");
      }
      t.path = base + path;
      probes.push_back(std::move(t));
    }
    for (std::string_view m : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
      if (std::find(declared.begin(), declared.end(), m) != declared.end()) continue;
      Request w = out.back();  // the path as filled in for its last operation
      w.method = std::string(m);
      w.origin = fmt::format("{} {} {} (method not declared)", name, m, tpath);
      w.body.clear();
      w.has_body = false;
      w.headers.clear();
      probes.push_back(std::move(w));
      break;
    }
  }
  if (options.probes && !out.empty()) {
    Request t;
    t.method = "GET";
    t.path = base + "/../../../../../../etc/passwd";
    t.origin = fmt::format("{} (path traversal)", name);
    probes.push_back(t);
    t.path = base + "/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd";
    t.origin = fmt::format("{} (encoded path traversal)", name);
    probes.push_back(std::move(t));
  }
  out.insert(out.end(), std::make_move_iterator(probes.begin()),
             std::make_move_iterator(probes.end()));
  return out;
}

}  // namespace imgstrip::verify
