// A private temporary folder removed with everything in it when the owner goes away.
#pragma once

#include <filesystem>
#include <string_view>

namespace imgstrip {

class TempDir {
 public:
  // Created under $TMPDIR (or /var/tmp, which is disk-backed, when TMPDIR is unset).
  explicit TempDir(std::string_view prefix = "imgstrip");
  // Created inside `parent` (used to stage output next to its final place so the last
  // step can be a rename).
  TempDir(const std::filesystem::path& parent, std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }
  // Keep the folder: the caller has moved it into place.
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

}  // namespace imgstrip
