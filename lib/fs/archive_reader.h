// libarchive reading from one of our ReadStreams: a tar (plain, gzip, zstd, xz or bzip2,
// detected from the content) or, in raw mode, just the decompressed bytes. Errors from
// the stream are carried through libarchive and raised again as Error; libarchive's own
// errors become Errors naming the archive (and the entry being read).
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "core/stream.h"

struct archive;
struct archive_entry;

namespace imgstrip {

class ArchiveReader {
 public:
  enum class Format { Tar, Raw };

  // `name` names the archive in errors ("layer 2/5 (sha256:ab..)").
  ArchiveReader(ReadStream& in, Format format, std::string name);
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // The next entry, or nullptr at the end of the archive. At the end, the rest of the
  // input is read and discarded, so a verifying stream below sees all of its bytes.
  archive_entry* next();
  // The next block of the current entry's data, with its offset in the entry (sparse
  // files have holes between blocks); false at the end of the entry.
  bool block(std::string_view& data, int64_t& offset);
  // Copies up to n bytes of the current entry's data; 0 at its end.
  size_t read(void* buf, size_t n);
  void skip();

  // Raises the pending stream error, or libarchive's error, naming the archive and `entry`
  // (may be empty).
  [[noreturn]] void fail_with(std::string_view entry);
  void set_entry(std::string_view entry) { entry_ = entry; }

 private:
  static long read_callback(struct archive* a, void* self, const void** buf);

  std::string name_;
  // The input, through ISA-L's inflate when it is gzip (libarchive's zlib filter is about
  // four times as slow); libarchive's filters decode the other formats.
  std::unique_ptr<ReadStream> in_;
  std::string entry_;  // for error messages
  struct archive* archive_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  std::exception_ptr stream_error_;
  bool at_end_ = false;
};

}  // namespace imgstrip
