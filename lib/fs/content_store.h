// File contents of a flattened tree, appended to one anonymous spool file on disk and read
// back by offset. Memory use does not grow with the image size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/stream.h"

namespace imgstrip {

inline constexpr uint64_t kNoContent = UINT64_MAX;

class ContentStore {
 public:
  // The spool file is created in `dir` (default: $TMPDIR or /var/tmp) and unlinked at once,
  // so it disappears with the process.
  explicit ContentStore(const std::filesystem::path& dir = {});
  ~ContentStore();
  ContentStore(const ContentStore&) = delete;
  ContentStore& operator=(const ContentStore&) = delete;

  // Appends exactly `size` bytes from `in` (an error if it ends early); returns the offset.
  uint64_t append(ReadStream& in, uint64_t size);
  uint64_t append(std::string_view bytes);
  // A stream over [offset, offset+size).
  std::unique_ptr<ReadStream> open(uint64_t offset, uint64_t size) const;
  uint64_t bytes() const { return end_; }

 private:
  int fd_ = -1;
  uint64_t end_ = 0;
};

}  // namespace imgstrip
