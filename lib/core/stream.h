// Byte streams. Blobs and file contents move through these, never whole in memory
// unless a caller asks for it with read_all() and a limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace imgstrip {

class ReadStream {
 public:
  virtual ~ReadStream() = default;
  // Reads up to n bytes; returns 0 only at the end of the stream. Throws Error.
  virtual size_t read(void* buf, size_t n) = 0;
};

class WriteStream {
 public:
  virtual ~WriteStream() = default;
  virtual void write(const void* buf, size_t n) = 0;
  void write(std::string_view s) { write(s.data(), s.size()); }
};

// Opens a fresh stream over the same bytes each time it is called, so a consumer can
// retry (a registry upload) or read twice.
using StreamOpener = std::function<std::unique_ptr<ReadStream>()>;

class StringReader : public ReadStream {
 public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  size_t read(void* buf, size_t n) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

class StringWriter : public WriteStream {
 public:
  void write(const void* buf, size_t n) override { data_.append(static_cast<const char*>(buf), n); }
  using WriteStream::write;
  const std::string& data() const { return data_; }
  std::string take() { return std::move(data_); }

 private:
  std::string data_;
};

// Reads a file (or a byte range of it) through its own descriptor.
class FileReader : public ReadStream {
 public:
  explicit FileReader(const std::filesystem::path& path);
  FileReader(const std::filesystem::path& path, uint64_t offset, uint64_t length);
  ~FileReader() override;
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  size_t read(void* buf, size_t n) override;

 private:
  int fd_ = -1;
  std::string path_;
  uint64_t offset_ = 0;
  uint64_t remaining_ = UINT64_MAX;
};

// Writes a file; the data is durable and the file complete only after close().
class FileWriter : public WriteStream {
 public:
  explicit FileWriter(const std::filesystem::path& path);
  ~FileWriter() override;
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;
  void write(const void* buf, size_t n) override;
  using WriteStream::write;
  void close();

 private:
  void flush();
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
};

// Counts bytes passing through, for sizes of streams of unknown length.
class CountingReader : public ReadStream {
 public:
  explicit CountingReader(ReadStream& inner) : inner_(inner) {}
  size_t read(void* buf, size_t n) override {
    size_t got = inner_.read(buf, n);
    count_ += got;
    return got;
  }
  uint64_t count() const { return count_; }

 private:
  ReadStream& inner_;
  uint64_t count_ = 0;
};

// Reads the whole stream; fails with `what` in the message if it exceeds `limit` bytes.
std::string read_all(ReadStream& in, size_t limit, std::string_view what);
// Copies until the end of `in`; returns the number of bytes copied.
uint64_t copy_stream(ReadStream& in, WriteStream& out);
// Reads and discards until the end; returns the number of bytes drained.
uint64_t drain(ReadStream& in);

std::string read_file(const std::filesystem::path& path, size_t limit);
// Writes `data` to `path` atomically (temporary file in the same folder, then rename).
// A path that names a device, pipe or socket (/dev/null, /dev/stdout) is written in place;
// one that is a symbolic link to a file replaces that file and keeps the link.
void write_file_atomic(const std::filesystem::path& path, std::string_view data);

}  // namespace imgstrip
