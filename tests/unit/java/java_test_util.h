// Helpers for the lib/java tests: the host JDK's run-time image (setup.sh installs
// openjdk-17-jdk-headless) and a writer of small jimages.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/stream.h"
#include "java/jimage.h"

namespace imgstrip::java_test {

inline const char* kHostJdk = "/usr/lib/jvm/java-17-openjdk-amd64";

// The host JDK's lib/modules, read once.
inline const std::string& host_image() {
  static const std::string bytes = [] {
    std::filesystem::path p = std::filesystem::path(kHostJdk) / "lib/modules";
    REQUIRE(std::filesystem::exists(p));  // scripts/setup.sh installs the JDK
    return read_file(p, size_t{1} << 30);
  }();
  return bytes;
}

// A little-endian jimage 1.0 of `resources` ({"/module/parent/base.ext", bytes}); with
// `compress`, every module-info is marked compressed.
inline std::string make_jimage(const std::vector<std::pair<std::string, std::string>>& resources,
                               bool compress = false) {
  std::string strings(1, '\0');  // offset 0: ""
  std::map<std::string, uint32_t> at;
  auto str = [&](const std::string& s) -> uint32_t {
    if (s.empty()) return 0;
    auto [it, added] = at.emplace(s, static_cast<uint32_t>(strings.size()));
    if (added) strings += s + '\0';
    return it->second;
  };
  std::string locations(1, '\0');  // an empty location at 0
  std::vector<uint32_t> offsets;
  std::string content;
  auto attr = [&](uint8_t kind, uint64_t v) {
    int n = 1;
    while (n < 8 && (v >> (8 * n)) != 0)
      ++n;
    locations += static_cast<char>(kind << 3 | (n - 1));
    for (int k = n - 1; k >= 0; --k)
      locations += static_cast<char>((v >> (8 * k)) & 0xff);
  };
  for (const auto& [name, bytes] : resources) {
    // "/module/parent/base.ext"
    std::string rest = name.substr(1);
    std::string module = rest.substr(0, rest.find('/'));
    rest = rest.substr(module.size() + 1);
    std::string parent, base = rest, ext;
    if (auto s = rest.rfind('/'); s != std::string::npos) {
      parent = rest.substr(0, s);
      base = rest.substr(s + 1);
    }
    if (auto d = base.rfind('.'); d != std::string::npos) {
      ext = base.substr(d + 1);
      base = base.substr(0, d);
    }
    offsets.push_back(static_cast<uint32_t>(locations.size()));
    attr(1, str(module));
    if (!parent.empty()) attr(2, str(parent));
    attr(3, str(base));
    attr(4, str(ext));
    attr(5, content.size());
    if (compress && base == "module-info") attr(6, bytes.size());
    attr(7, bytes.size());
    locations += '\0';
    content += bytes;
  }
  std::string out;
  auto u32 = [&](uint32_t v) {
    for (int k = 0; k < 4; ++k)
      out += static_cast<char>((v >> (8 * k)) & 0xff);
  };
  u32(0xCAFEDADA);
  u32(1u << 16);
  u32(0);
  u32(static_cast<uint32_t>(resources.size()));
  u32(static_cast<uint32_t>(offsets.size()));
  u32(static_cast<uint32_t>(locations.size()));
  u32(static_cast<uint32_t>(strings.size()));
  for (size_t i = 0; i < offsets.size(); ++i)
    u32(0);  // redirect table: not used by the reader
  for (uint32_t o : offsets)
    u32(o);
  return out + locations + strings + content;
}

}  // namespace imgstrip::java_test
