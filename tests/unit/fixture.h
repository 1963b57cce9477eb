// Where the tests find the source tree and the cached fixtures that tests/fixtures/make-*.sh
// build (Debian roots made with mmdebstrap, rpm databases...). Test targets that use it
// define IMGSTRIP_SOURCE_DIR.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace imgstrip::test {

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

}  // namespace imgstrip::test
