#include "verify/request.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/text.h"

namespace imgstrip::verify {

namespace {

bool is_method(std::string_view w) {
  if (w.empty() || w.size() > 32) return false;
  for (char c : w)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

// RFC 9110 token characters.
bool is_header_name(std::string_view w) {
  if (w.empty() || w.size() > 256) return false;
  for (char c : w) {
    auto u = static_cast<unsigned char>(c);
    bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// ":8080/x" -> port 8080, path "/x"; "/x" -> port 0.
void split_port(std::string_view target, Request& r, std::string_view where) {
  if (target.starts_with('/')) {
    r.path = std::string(target);
    return;
  }
  if (!target.starts_with(':')) usage_fail("{}: the path must start with '/' or ':PORT/'", where);
  size_t slash = target.find('/');
  std::string_view digits =
      target.substr(1, slash == std::string_view::npos ? target.npos : slash - 1);
  if (digits.empty() || digits.size() > 5)
    usage_fail("{}: bad port in \"{}\"", where, one_line(target));
  int port = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') usage_fail("{}: bad port in \"{}\"", where, one_line(target));
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) usage_fail("{}: port {} is out of range", where, port);
  r.port = port;
  r.path = slash == std::string_view::npos ? "/" : std::string(target.substr(slash));
}

}  // namespace

std::string Request::describe() const {
  std::string out = method + " ";
  if (port != 0) out += fmt::format(":{}", port);
  out += path;
  if (has_body) {
    std::string b = one_line(body);
    if (b.size() > 80) b = b.substr(0, 77) + "...";
    out += " " + b;
  }
  return out;
}

std::vector<Request> parse_requests(std::string_view text, std::string_view name) {
  std::vector<Request> out;
  size_t lineno = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string where = fmt::format("{}:{}", name, lineno);
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    size_t sp = t.find_first_of(" \t");
    std::string_view first = t.substr(0, sp);
    if (first.size() > 1 && first.back() == ':' &&
        is_header_name(first.substr(0, first.size() - 1))) {
      if (out.empty()) usage_fail("{}: a header before any request", where);
      std::string_view value = sp == std::string_view::npos ? "" : trim(t.substr(sp));
      if (has_control(value)) usage_fail("{}: a control character in a header value", where);
      out.back().headers.emplace_back(first.substr(0, first.size() - 1), value);
      continue;
    }
    if (!is_method(first))
      usage_fail("{}: expected \"METHOD PATH [BODY]\" or \"Header: value\", got \"{}\"", where,
                 one_line(t.substr(0, 60)));
    if (sp == std::string_view::npos) usage_fail("{}: {} without a path", where, first);
    // The body is the rest of the line after the path and one separator, byte for byte.
    std::string_view rest = line.substr(line.find(first) + first.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
      rest.remove_prefix(1);
    size_t end = rest.find_first_of(" \t");
    std::string_view target = rest.substr(0, end);
    Request r;
    r.method = std::string(first);
    r.origin = where;
    split_port(target, r, where);
    if (has_control(r.path) || r.path.find(' ') != std::string::npos)
      usage_fail("{}: a control character in the path", where);
    if (end != std::string_view::npos) {
      r.body = std::string(rest.substr(end + 1));
      r.has_body = true;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace imgstrip::verify
