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

inline std::filesystem::path source_dir() {
  return IMGSTRIP_SOURCE_DIR;
}

inline std::filesystem::path fixtures_dir() {
  const char* env = std::getenv("IMGSTRIP_FIXTURES");
  return env != nullptr && *env != '\0' ? env : "/var/tmp/imgstrip-fixtures";
}

// The folder a tests/fixtures/make-*.sh script builds, building it when it is missing.
// Throws with the script's name when that fails, so the test fails saying why.
inline std::filesystem::path fixture(const std::string& script, const std::string& name) {
  auto dir = fixtures_dir() / name;
  if (std::filesystem::exists(dir / ".complete")) return dir;
  auto path = source_dir() / "tests/fixtures" / script;
  std::string command = path.string() + " >/dev/null";
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(dir / ".complete")) {
    throw std::runtime_error("fixture " + dir.string() + " is missing and " + path.string() +
                             " could not build it (run it by hand to see why; it needs the "
                             "packages of scripts/setup.sh)");
  }
  return dir;
}

inline std::string read_text(const std::filesystem::path& path) {
  return read_file(path, size_t{1} << 30);
}

}  // namespace imgstrip::test
