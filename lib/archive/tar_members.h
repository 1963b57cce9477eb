// Random access to the members of a tar file (docker save output) by name, through
// libarchive. Nothing is extracted: member names are only compared, never used as paths.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/stream.h"

namespace imgstrip {

class TarMembers {
 public:
  // Lists the regular-file members; throws Error when the file is not a readable tar.
  explicit TarMembers(std::filesystem::path file);

  bool contains(const std::string& name) const { return sizes_.count(normalize(name)) != 0; }
  uint64_t size(const std::string& name) const;
  // A stream over one member's bytes; throws Error when there is no such member.
  std::unique_ptr<ReadStream> open(const std::string& name) const;
  std::string read(const std::string& name, size_t limit) const;
  const std::map<std::string, uint64_t>& sizes() const { return sizes_; }

  static std::string normalize(const std::string& name);

 private:
  std::filesystem::path file_;
  std::map<std::string, uint64_t> sizes_;
};

}  // namespace imgstrip
