#include "harden/port_types.h"

#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/error.h"
#include "core/stream.h"
#include "oci/digest.h"

namespace imgstrip {
namespace {

constexpr size_t kPolicyLimit = size_t{256} << 20;

bool parse_u16(std::string_view s, uint16_t& out) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

// The type of "system_u:object_r:http_port_t:s0".
std::string context_type(std::string_view context) {
  size_t a = context.find(':');
  if (a == std::string_view::npos) return "";
  size_t b = context.find(':', a + 1);
  if (b == std::string_view::npos) return "";
  size_t c = context.find(':', b + 1);
  return std::string(context.substr(b + 1, c == std::string_view::npos ? c : c - b - 1));
}

std::optional<std::string> find_program(const char* name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin:/usr/sbin:/sbin";
  std::stringstream ss(dirs);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::filesystem::path p = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (access(p.c_str(), X_OK) == 0) return p.string();
  }
  return std::nullopt;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a command, returning its standard output; nullopt when it fails.
std::optional<std::string> run(const std::string& command) {
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
    out.append(buf, n);
  int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// /etc/selinux/<type>/policy/policy.N with the highest N.
std::optional<std::filesystem::path> policy_file(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> types;
  std::ifstream config(root / "config");
  std::string line;
  while (std::getline(config, line)) {
    if (line.starts_with("SELINUXTYPE=")) types.push_back(line.substr(12));
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (e.is_directory(ec)) types.push_back(e.path().filename().string());
  }
  for (const std::string& type : types) {
    std::optional<fs::path> best;
    int best_version = -1;
    for (const auto& e : fs::directory_iterator(root / type / "policy", ec)) {
      std::string name = e.path().filename().string();
      int version = 0;
      if (!name.starts_with("policy.")) continue;
      auto [end, err] = std::from_chars(name.data() + 7, name.data() + name.size(), version);
      if (err != std::errc() || end != name.data() + name.size()) continue;
      if (version > best_version) {
        best_version = version;
        best = e.path();
      }
    }
    if (best) return best;
  }
  return std::nullopt;
}

}  // namespace

PortTypes PortTypes::builtin() {
  PortTypes t;
  t.source_ = "built-in table of the standard policy's defaults";
  auto add = [&](const char* proto, uint16_t lo, uint16_t hi, const char* type) {
    t.rules_.push_back({proto, lo, hi, type});
  };
  for (const char* proto : {"tcp", "udp", "sctp"}) {
    add(proto, 1, 511, "reserved_port_t");
    add(proto, 512, 1023, "hi_reserved_port_t");
    add(proto, 1024, 65535, "unreserved_port_t");
  }
  for (uint16_t p : {80, 81, 443, 488, 8008, 8009, 8443, 9000})
    add("tcp", p, p, "http_port_t");
  for (uint16_t p : {3128, 8080, 8118, 8123})
    add("tcp", p, p, "http_cache_port_t");
  add("tcp", 10001, 10010, "http_cache_port_t");
  add("udp", 3130, 3130, "http_cache_port_t");
  add("tcp", 3306, 3306, "mysqld_port_t");
  add("tcp", 5432, 5432, "postgresql_port_t");
  add("tcp", 6379, 6379, "redis_port_t");
  add("tcp", 11211, 11211, "memcache_port_t");
  add("udp", 11211, 11211, "memcache_port_t");
  add("tcp", 22, 22, "ssh_port_t");
  add("tcp", 53, 53, "dns_port_t");
  add("udp", 53, 53, "dns_port_t");
  add("tcp", 25, 25, "smtp_port_t");
  add("tcp", 21, 21, "ftp_port_t");
  add("tcp", 389, 389, "ldap_port_t");
  add("tcp", 636, 636, "ldap_port_t");
  add("tcp", 27017, 27017, "mongod_port_t");
  return t;
}

PortTypes PortTypes::parse_seinfo(std::string_view text, std::string source) {
  PortTypes t;
  t.source_ = std::move(source);
  t.from_policy_ = true;
  std::istringstream in{std::string(text)};
  std::string word, proto, range, context;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    if (!(ls >> word >> proto >> range >> context) || word != "portcon") continue;
    PortRule rule{proto, 0, 0, context_type(context)};
    size_t dash = range.find('-');
    std::string_view r = range;
    bool ok = dash == std::string::npos ? parse_u16(r, rule.low) && parse_u16(r, rule.high)
                                        : parse_u16(r.substr(0, dash), rule.low) &&
                                              parse_u16(r.substr(dash + 1), rule.high);
    if (ok && !rule.type.empty() && rule.low <= rule.high) t.rules_.push_back(rule);
  }
  if (t.rules_.empty()) fail("{}: no portcon statements", t.source_);
  return t;
}

std::optional<PortTypes> PortTypes::installed(const std::string& selinux_root,
                                              const std::filesystem::path& cache_dir) {
  auto policy = policy_file(selinux_root);
  if (!policy) return std::nullopt;
  auto seinfo = find_program("seinfo");
  if (!seinfo) return std::nullopt;
  std::string source = "seinfo --portcon of " + policy->string();
  // seinfo (setools, in Python) takes half a second; its answer depends only on the policy.
  std::filesystem::path cached;
  if (!cache_dir.empty()) {
    try {
      cached = cache_dir / (sha256_of(read_file(*policy, kPolicyLimit)).hex + ".portcon");
      std::error_code ec;
      if (std::filesystem::is_regular_file(cached, ec))
        return parse_seinfo(read_file(cached, kPolicyLimit), source);
    } catch (const Error&) {
      // unreadable policy or a damaged entry: ask seinfo, and rewrite the entry
    }
  }
  auto out = run(shell_quote(*seinfo) + " " + shell_quote(policy->string()) + " --portcon");
  if (!out) return std::nullopt;
  try {
    PortTypes t = parse_seinfo(*out, source);
    if (!cached.empty()) {
      try {
        std::error_code ec;
        std::filesystem::create_directories(cache_dir, ec);
        write_file_atomic(cached, *out);
      } catch (const Error&) {
        // a read-only cache only costs the next run the same half second
      }
    }
    return t;
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string PortTypes::type_of(const Port& port) const {
  const PortRule* best = nullptr;
  for (const PortRule& r : rules_) {
    if (r.protocol != port.protocol || port.number < r.low || port.number > r.high) continue;
    if (best == nullptr || r.high - r.low < best->high - best->low) best = &r;
  }
  if (best != nullptr) return best->type;
  return port.number < 1024 ? "reserved_port_t" : "unreserved_port_t";
}

}  // namespace imgstrip
