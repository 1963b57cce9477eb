#include "oci/reference.h"

#include <cctype>

#include "core/error.h"

namespace imgstrip {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | __ | -+
bool valid_path_component(std::string_view s) {
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (lower_alnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !lower_alnum(s[j]))
      ++j;
    std::string_view sep = s.substr(i, j - i);
    bool ok = sep == "." || sep == "_" || sep == "__" ||
              sep.find_first_not_of('-') == std::string_view::npos;
    if (!ok) return false;
    i = j;
  }
  return true;
}

bool valid_domain_component(std::string_view s) {
  if (s.empty() || !std::isalnum(static_cast<unsigned char>(s.front())) ||
      !std::isalnum(static_cast<unsigned char>(s.back()))) {
    return false;
  }
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

bool valid_domain(std::string_view d) {
  if (d.empty()) return false;
  std::string_view host = d;
  if (host.front() == '[') {  // [IPv6]:port
    auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    for (char c : host.substr(1, close - 1)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':') return false;
    }
    std::string_view rest = host.substr(close + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':' || rest.size() == 1) return false;
    for (char c : rest.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }
  auto colon = host.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty()) return false;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    host = host.substr(0, colon);
  }
  size_t start = 0;
  for (;;) {
    size_t dot = host.find('.', start);
    if (!valid_domain_component(host.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(t.front())) return false;
  for (char c : t) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

}  // namespace

Reference Reference::parse(std::string_view text) {
  const std::string shown(text.substr(0, 300));
  if (text.empty()) usage_fail("invalid image reference: empty");
  Reference r;
  std::string_view rest = text;

  if (auto at = rest.find('@'); at != std::string_view::npos) {
    std::string_view d = rest.substr(at + 1);
    if (!Digest::valid(d)) {
      usage_fail("invalid image reference \"{}\": bad digest after '@' (expected sha256:<64 hex>)",
                 shown);
    }
    r.digest = Digest::parse(d);
    rest = rest.substr(0, at);
  }
  // A tag is after the last ':' that comes after the last '/'.
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    std::string_view tag = rest.substr(colon + 1);
    if (!valid_tag(tag)) {
      usage_fail(
          "invalid image reference \"{}\": bad tag \"{}\" (letters, digits, '_', '.', '-'; "
          "at most 128)",
          shown, tag);
    }
    r.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) usage_fail("invalid image reference \"{}\": missing repository name", shown);

  std::string_view remainder = rest;
  auto first = rest.find('/');
  if (first == std::string_view::npos) {
    r.registry = "docker.io";
  } else {
    std::string_view head = rest.substr(0, first);
    bool has_upper = false;
    for (char c : head)
      has_upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
    if (head.find_first_of(".:") != std::string_view::npos || head == "localhost" || has_upper) {
      if (!valid_domain(head)) {
        usage_fail("invalid image reference \"{}\": bad registry host \"{}\"", shown, head);
      }
      r.registry = std::string(head);
      remainder = rest.substr(first + 1);
    } else {
      r.registry = "docker.io";
    }
  }
  if (r.registry == "index.docker.io" || r.registry == "registry-1.docker.io") {
    r.registry = "docker.io";
  }
  if (remainder.empty()) usage_fail("invalid image reference \"{}\": missing repository", shown);
  size_t start = 0;
  for (;;) {
    size_t sep = remainder.find('/', start);
    std::string_view comp = remainder.substr(start, sep - start);
    if (!valid_path_component(comp)) {
      bool upper = false;
      for (char c : comp)
        upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
      if (upper) {
        usage_fail("invalid image reference \"{}\": repository name must be lowercase", shown);
      }
      usage_fail("invalid image reference \"{}\": bad repository component \"{}\"", shown, comp);
    }
    if (sep == std::string_view::npos) break;
    start = sep + 1;
  }
  r.repository = std::string(remainder);
  if (r.registry == "docker.io" && r.repository.find('/') == std::string::npos) {
    r.repository = "library/" + r.repository;
  }
  if (r.registry.size() + 1 + r.repository.size() > 255) {
    usage_fail("invalid image reference \"{}\": repository name longer than 255 characters", shown);
  }
  if (r.tag.empty() && !r.digest) r.tag = "latest";
  return r;
}

std::string Reference::str() const {
  std::string s = name();
  if (!tag.empty()) s += ":" + tag;
  if (digest) s += "@" + digest->str();
  return s;
}

std::string Reference::api_host() const {
  return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

}  // namespace imgstrip
