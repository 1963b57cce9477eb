#include "core/tempdir.h"

#include <cstdlib>
#include <string>
#include <system_error>

#include "core/error.h"

namespace imgstrip {
namespace {

std::filesystem::path make_under(const std::filesystem::path& parent, std::string_view prefix) {
  std::string tmpl = (parent / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    fail("cannot create a temporary folder in {}: {}", parent.string(), errno_text(errno));
  }
  return tmpl;
}

std::filesystem::path default_parent() {
  const char* env = std::getenv("TMPDIR");
  if (env != nullptr && *env != '\0') return env;
  return "/var/tmp";
}

}  // namespace

TempDir::TempDir(std::string_view prefix) : path_(make_under(default_parent(), prefix)) {}

TempDir::TempDir(const std::filesystem::path& parent, std::string_view prefix)
    : path_(make_under(parent, prefix)) {}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace imgstrip
