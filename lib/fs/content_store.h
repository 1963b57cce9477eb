// File contents of a flattened tree, appended to one anonymous spool file on disk and read
// back by offset. Memory use does not grow with the image size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
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
  void flush() const;

  int fd_ = -1;
  uint64_t end_ = 0;
  // Small appends are gathered here (one write per MiB, not one per file); open() writes
  // them out first.
  mutable std::string pending_;
  mutable uint64_t pending_at_ = 0;  // file offset of pending_[0]
  mutable std::mutex mutex_;
};

}  // namespace imgstrip
