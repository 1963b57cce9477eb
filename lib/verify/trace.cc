#include "verify/trace.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace imgstrip::verify {

SeccompProfile read_profile(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) fail("the seccomp profile is not a JSON object");
  SeccompProfile p;
  if (auto a = j.find("defaultAction"); a != j.end() && a->is_string())
    p.default_errno = a->get<std::string>() == "SCMP_ACT_ERRNO";
  if (auto e = j.find("defaultErrnoRet"); e != j.end() && e->is_number_integer()) {
    auto v = e->get<long long>();
    if (v > 0 && v < 4096) p.errno_ret = static_cast<int>(v);
  }
  auto rules = j.find("syscalls");
  if (rules == j.end() || !rules->is_array()) return p;
  for (const auto& rule : *rules) {
    if (!rule.is_object()) continue;
    auto action = rule.find("action");
    if (action == rule.end() || !action->is_string() || *action != "SCMP_ACT_ALLOW") continue;
    auto names = rule.find("names");
    if (names != rule.end() && names->is_array()) {
      for (const auto& n : *names)
        if (n.is_string()) p.allowed.insert(n.get<std::string>());
    }
    auto name = rule.find("name");
    if (name != rule.end() && name->is_string()) p.allowed.insert(name->get<std::string>());
  }
  return p;
}

std::string errno_name(int err) {
  const char* n = strerrorname_np(err);
  return n ? std::string(n) : fmt::format("errno {}", err);
}

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_file_syscall(std::string_view s) {
  static const std::set<std::string_view> kFile = {
      "open",      "openat",     "openat2",    "creat",     "stat",      "lstat",
      "stat64",    "lstat64",    "newfstatat", "fstatat64", "statx",     "access",
      "faccessat", "faccessat2", "execve",     "execveat",  "readlink",  "readlinkat",
      "chdir",     "truncate",   "statfs",     "getxattr",  "lgetxattr", "uselib"};
  return kFile.contains(s);
}

// The first double-quoted string of strace's argument text, unescaped; "" when none.
std::string first_string(std::string_view args) {
  size_t q = args.find('"');
  if (q == std::string_view::npos) return "";
  std::string out;
  for (size_t i = q + 1; i < args.size(); ++i) {
    char c = args[i];
    if (c == '"') return out;
    if (c != '\\' || i + 1 >= args.size()) {
      out += c;
      continue;
    }
    char n = args[++i];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'x': {
        int v = 0, k = 0;
        while (k < 2 && i + 1 < args.size() &&
               std::isxdigit(static_cast<unsigned char>(args[i + 1]))) {
          char h = args[++i];
          v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          ++k;
        }
        out += static_cast<char>(v);
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          int v = n - '0', k = 1;
          while (k < 3 && i + 1 < args.size() && args[i + 1] >= '0' && args[i + 1] <= '7') {
            v = v * 8 + (args[++i] - '0');
            ++k;
          }
          out += static_cast<char>(v & 0xff);
        } else {
          out += n;
        }
    }
  }
  return "";  // unterminated (cut by strace's -s)
}

}  // namespace

std::vector<FailedCall> parse_strace(std::string_view text) {
  std::vector<FailedCall> out;
  std::map<std::string, std::pair<std::string, std::string>> pending;  // pid -> name, args
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    std::string pid;
    if (line.starts_with("[pid ")) line.remove_prefix(5);
    size_t d = 0;
    while (d < line.size() && line[d] >= '0' && line[d] <= '9')
      ++d;
    if (d > 0 && d < line.size() && (line[d] == ' ' || line[d] == ']')) {
      pid = std::string(line.substr(0, d));
      line.remove_prefix(d + 1);
      while (!line.empty() && (line.front() == ' ' || line.front() == ']'))
        line.remove_prefix(1);
    }
    std::string name, args;
    std::string_view rest;
    if (line.starts_with("<... ")) {
      line.remove_prefix(5);
      size_t e = 0;
      while (e < line.size() && is_name_char(line[e]))
        ++e;
      std::string_view resumed = line.substr(0, e);
      auto it = pending.find(pid);
      if (it == pending.end() || it->second.first != resumed) continue;
      name = it->second.first;
      args = it->second.second;
      pending.erase(it);
      size_t gt = line.find('>');
      if (gt == std::string_view::npos) continue;
      args += std::string(line.substr(gt + 1));
      rest = line.substr(gt + 1);
    } else {
      size_t e = 0;
      while (e < line.size() && is_name_char(line[e]))
        ++e;
      if (e == 0 || e >= line.size() || line[e] != '(') continue;
      name = std::string(line.substr(0, e));
      constexpr std::string_view kUnfinished = " <unfinished ...>";
      if (line.ends_with(kUnfinished)) {
        pending[pid] = {name, std::string(line.substr(e, line.size() - e - kUnfinished.size()))};
        continue;
      }
      args = std::string(line.substr(e));
      rest = line.substr(e);
    }
    size_t eq = rest.rfind(") = -1 ");
    if (eq == std::string_view::npos) continue;
    std::string_view err = rest.substr(eq + 7);
    size_t sp = err.find(' ');
    err = err.substr(0, sp);
    if (err.empty() || err.size() > 32) continue;
    FailedCall call{name, std::string(err), ""};
    if (is_file_syscall(name)) call.path = first_string(args);
    out.push_back(std::move(call));
  }
  return out;
}

std::vector<std::string> paths_in_text(std::string_view text, size_t max) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto path_char = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
           std::string_view("/._+@-").find(c) != std::string_view::npos;
  };
  for (size_t i = 0; i < text.size() && out.size() < max; ++i) {
    if (text[i] != '/' || (i > 0 && path_char(text[i - 1]))) continue;
    if (i > 0 && text[i - 1] == ':' && i > 1 && text[i - 2] != ' ') continue;  // http://
    size_t j = i;
    while (j < text.size() && path_char(text[j]))
      ++j;
    std::string p(text.substr(i, j - i));
    while (!p.empty() && (p.back() == '.' || p.back() == '/' || p.back() == '-'))
      p.pop_back();
    i = j;
    if (p.size() < 2 || p.find("//") != std::string::npos || p.find("/../") != std::string::npos)
      continue;
    if (seen.insert(p).second) out.push_back(p);
  }
  return out;
}

TraceFindings find_problems(const std::vector<FailedCall>& calls, const SeccompProfile& profile,
                            const std::function<bool(const std::string&)>& matters,
                            size_t max_files) {
  TraceFindings f;
  std::set<std::string> refused, seen;
  std::string denied_errno = errno_name(profile.errno_ret);
  for (const FailedCall& c : calls) {
    if (profile.default_errno && c.error == denied_errno && !profile.allowed.contains(c.syscall))
      refused.insert(c.syscall);
    if (c.error != "ENOENT" || c.path.empty() || c.path.front() != '/') continue;
    if (!seen.insert(c.path).second) continue;
    if (f.missing_files.size() < max_files && matters(c.path)) {
      f.missing_files.push_back(c.path);
    } else {
      ++f.other_missing;
    }
  }
  f.refused_syscalls.assign(refused.begin(), refused.end());
  return f;
}

}  // namespace imgstrip::verify
