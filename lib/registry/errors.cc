#include "registry/errors.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace imgstrip {

std::vector<RegistryError> parse_registry_errors(std::string_view body) {
  std::vector<RegistryError> out;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("errors") || !j["errors"].is_array()) {
    return out;
  }
  for (const auto& e : j["errors"]) {
    if (!e.is_object()) continue;
    RegistryError r;
    if (e.contains("code") && e["code"].is_string()) r.code = e["code"].get<std::string>();
    if (e.contains("message") && e["message"].is_string()) {
      r.message = e["message"].get<std::string>();
    }
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

struct Explained {
  std::string what;
  std::string advice;
};

std::string code_for_status(long status) {
  switch (status) {
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "DENIED";
    case 404:
      return "NOT_FOUND";
    case 429:
      return "TOOMANYREQUESTS";
    default:
      return "";
  }
}

Explained explain(const std::string& code, const ErrorContext& c, long status) {
  const std::string& s = c.subject;
  if (code == "UNAUTHORIZED" && !c.credentials_source.empty()) {
    return {"authentication failed", fmt::format("the registry refused the credentials from {}: "
                                                 "check the user name and password",
                                                 c.credentials_source)};
  }
  if (code == "UNAUTHORIZED") {
    return {"authentication required",
            "log in with --creds USER:PASS or an auth file (--authfile, docker/podman login)"};
  }
  if (code == "DENIED") {
    return {"access denied", fmt::format("check that your credentials may {} this repository",
                                         c.push ? "push to" : "pull from")};
  }
  if (code == "NAME_UNKNOWN") return {"repository unknown", "check the repository name"};
  if (code == "MANIFEST_UNKNOWN") {
    bool tag = s.starts_with("tag ");
    return {"manifest unknown", tag ? "check the tag" : "check the digest"};
  }
  if (code == "BLOB_UNKNOWN") {
    return {"blob unknown", c.push ? "push the missing blob first"
                                   : "the registry has lost this blob; push the image again"};
  }
  if (code == "MANIFEST_BLOB_UNKNOWN") {
    return {"the manifest refers to a blob the registry does not have",
            "push the image's blobs first"};
  }
  if (code == "MANIFEST_INVALID") return {"manifest rejected", "the registry refused its content"};
  if (code == "DIGEST_INVALID") {
    return {"digest mismatch", "the content did not hash to its digest; try again"};
  }
  if (code == "SIZE_INVALID") return {"size mismatch", "the content did not match its size"};
  if (code == "BLOB_UPLOAD_UNKNOWN" || code == "BLOB_UPLOAD_INVALID") {
    return {"upload failed", "the registry dropped the upload; try again"};
  }
  if (code == "TOOMANYREQUESTS") {
    return {"too many requests", "the registry is rate limiting; wait and try again later"};
  }
  if (code == "UNSUPPORTED") {
    return {"operation unsupported", "the registry does not support this"};
  }
  if (code == "NOT_FOUND") return {"not found", "check the registry, repository and tag"};
  if (status >= 500) {
    return {fmt::format("registry server error (HTTP {})", status),
            "the registry failed; try again later"};
  }
  return {fmt::format("request failed (HTTP {}{}{})", status, code.empty() ? "" : " ", code),
          "check the reference and the registry"};
}

std::string clip(std::string s) {
  for (char& ch : s) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

}  // namespace

std::string describe_registry_error(const ErrorContext& c, long status, std::string_view body) {
  auto errors = parse_registry_errors(body);
  std::string code = errors.empty() ? code_for_status(status) : errors.front().code;
  Explained e = explain(code, c, status);
  std::string detail;
  if (code == "MANIFEST_UNKNOWN" || code == "NOT_FOUND" || code == "BLOB_UNKNOWN") {
    if (!c.subject.empty()) detail = c.subject + " does not exist";
  } else {
    detail = c.subject;
    if (!errors.empty() && !errors.front().message.empty()) {
      if (!detail.empty()) detail += ": ";
      detail += clip(errors.front().message);
    }
  }
  return fmt::format("{}: {}{}{}{}: {}", c.where, e.what, detail.empty() ? "" : " (", detail,
                     detail.empty() ? "" : ")", e.advice);
}

}  // namespace imgstrip
