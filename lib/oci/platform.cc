#include "oci/platform.h"

#include <sys/utsname.h>

#include "core/error.h"

namespace imgstrip {
namespace {

std::string normalize_arch(std::string arch) {
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  if (arch == "armhf" || arch == "armel") return "arm";
  if (arch == "i386" || arch == "i686") return "386";
  return arch;
}

std::string normalize_variant(const std::string& arch, std::string variant) {
  if (arch == "arm64" && variant == "v8") return "";
  return variant;
}

}  // namespace

Platform Platform::parse(std::string_view text) {
  Platform p;
  size_t a = text.find('/');
  if (a == std::string_view::npos || a == 0 || a + 1 >= text.size()) {
    usage_fail("invalid platform \"{}\": expected os/arch[/variant], e.g. linux/amd64", text);
  }
  p.os = std::string(text.substr(0, a));
  auto rest = text.substr(a + 1);
  size_t b = rest.find('/');
  if (b == std::string_view::npos) {
    p.architecture = std::string(rest);
  } else {
    p.architecture = std::string(rest.substr(0, b));
    p.variant = std::string(rest.substr(b + 1));
    if (p.variant.empty() || p.variant.find('/') != std::string::npos) {
      usage_fail("invalid platform \"{}\": expected os/arch[/variant]", text);
    }
  }
  if (p.architecture.empty()) usage_fail("invalid platform \"{}\": missing architecture", text);
  p.architecture = normalize_arch(p.architecture);
  return p;
}

Platform Platform::host() {
  Platform p;
  p.os = "linux";
  struct utsname u {};
  if (::uname(&u) == 0) {
    p.architecture = normalize_arch(u.machine);
    if (p.architecture == "arm") {
      std::string m = u.machine;
      if (m.starts_with("armv7")) p.variant = "v7";
      if (m.starts_with("armv6")) p.variant = "v6";
    }
  } else {
    p.architecture = "amd64";
  }
  return p;
}

Platform Platform::from_json(const nlohmann::ordered_json& j) {
  Platform p;
  if (!j.is_object()) return p;
  if (auto it = j.find("os"); it != j.end() && it->is_string()) p.os = it->get<std::string>();
  if (auto it = j.find("architecture"); it != j.end() && it->is_string()) {
    p.architecture = it->get<std::string>();
  }
  if (auto it = j.find("variant"); it != j.end() && it->is_string()) {
    p.variant = it->get<std::string>();
  }
  if (auto it = j.find("os.version"); it != j.end() && it->is_string()) {
    p.os_version = it->get<std::string>();
  }
  return p;
}

std::string Platform::str() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

bool Platform::matches(const Platform& c) const {
  if (os != c.os) return false;
  if (normalize_arch(architecture) != normalize_arch(c.architecture)) return false;
  std::string arch = normalize_arch(architecture);
  std::string want = normalize_variant(arch, variant);
  if (want.empty()) return true;
  return want == normalize_variant(arch, c.variant);
}

}  // namespace imgstrip
