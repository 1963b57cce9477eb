// Test helpers for the package-database readers: an in-memory RootFs and the fixtures
// built by tests/fixtures/make-*.sh.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/error.h"
#include "core/rootfs.h"
#include "core/stream.h"
#include "unit/fixture.h"

namespace imgstrip::test {

// Regular files only; directories are implied by the paths of the files in them.
class MemRootFs : public RootFs {
 public:
  std::map<std::string, std::string> files;

  std::optional<std::string> resolve(std::string_view path) const override {
    std::string p(path);
    if (files.count(p)) return p;
    for (auto& [name, data] : files) {
      if (name.starts_with(p + "/")) return p;
    }
    return std::nullopt;
  }
  std::optional<std::string> read(std::string_view path, size_t limit) const override {
    auto it = files.find(std::string(path));
    if (it == files.end()) return std::nullopt;
    if (it->second.size() > limit) fail("{}: too large", path);
    return it->second;
  }
  std::optional<std::string> read_head(std::string_view path, size_t n) const override {
    auto it = files.find(std::string(path));
    if (it == files.end()) return std::nullopt;
    return it->second.substr(0, n);
  }
  std::vector<std::string> list(std::string_view path) const override {
    std::vector<std::string> names;
    std::string prefix = std::string(path) + "/";
    for (auto& [name, data] : files) {
      if (!name.starts_with(prefix)) continue;
      std::string rest = name.substr(prefix.size());
      rest = rest.substr(0, rest.find('/'));
      if (names.empty() || names.back() != rest) names.push_back(rest);
    }
    return names;
  }
};

inline std::string read_text(const std::filesystem::path& path) {
  return read_file(path, size_t{1} << 30);
}

}  // namespace imgstrip::test
