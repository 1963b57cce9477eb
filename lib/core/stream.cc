#include "core/stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace imgstrip {

size_t StringReader::read(void* buf, size_t n) {
  size_t take = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, take);
  pos_ += take;
  return take;
}

FileReader::FileReader(const std::filesystem::path& path) : path_(path.string()) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail("cannot open {}: {}", path_, errno_text(errno));
}

FileReader::FileReader(const std::filesystem::path& path, uint64_t offset, uint64_t length)
    : FileReader(path) {
  offset_ = offset;
  remaining_ = length;
}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

size_t FileReader::read(void* buf, size_t n) {
  n = static_cast<size_t>(std::min<uint64_t>(n, remaining_));
  if (n == 0) return 0;
  for (;;) {
    ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(offset_));
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("cannot read {}: {}", path_, errno_text(errno));
    }
    if (got == 0 && remaining_ != UINT64_MAX) {
      fail("cannot read {}: file is shorter than expected (truncated at offset {})", path_,
           offset_);
    }
    offset_ += static_cast<uint64_t>(got);
    if (remaining_ != UINT64_MAX) remaining_ -= static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
}

FileWriter::FileWriter(const std::filesystem::path& path) : path_(path.string()) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create {}: {}", path_, errno_text(errno));
  buffer_.reserve(1 << 20);
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWriter::write(const void* buf, size_t n) {
  if (fd_ < 0) fail("write to closed file {}", path_);
  if (buffer_.size() + n > (1 << 20)) flush();
  if (n >= (1 << 20)) {
    const char* p = static_cast<const char*>(buf);
    while (n > 0) {
      ssize_t put = ::write(fd_, p, n);
      if (put < 0) {
        if (errno == EINTR) continue;
        fail("cannot write {}: {}", path_, errno_text(errno));
      }
      p += put;
      n -= static_cast<size_t>(put);
    }
    return;
  }
  buffer_.append(static_cast<const char*>(buf), n);
}

void FileWriter::flush() {
  const char* p = buffer_.data();
  size_t n = buffer_.size();
  while (n > 0) {
    ssize_t put = ::write(fd_, p, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      fail("cannot write {}: {}", path_, errno_text(errno));
    }
    p += put;
    n -= static_cast<size_t>(put);
  }
  buffer_.clear();
}

void FileWriter::close() {
  if (fd_ < 0) return;
  flush();
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("cannot write {}: {}", path_, errno_text(errno));
}

std::string read_all(ReadStream& in, size_t limit, std::string_view what) {
  std::string out;
  char buf[65536];
  for (;;) {
    size_t got = in.read(buf, sizeof buf);
    if (got == 0) return out;
    if (out.size() + got > limit) fail("{} is larger than the limit of {} bytes", what, limit);
    out.append(buf, got);
  }
}

uint64_t copy_stream(ReadStream& in, WriteStream& out) {
  std::unique_ptr<char[]> buf(new char[1 << 18]);
  uint64_t total = 0;
  for (;;) {
    size_t got = in.read(buf.get(), 1 << 18);
    if (got == 0) return total;
    out.write(buf.get(), got);
    total += got;
  }
}

uint64_t drain(ReadStream& in) {
  std::unique_ptr<char[]> buf(new char[1 << 18]);
  uint64_t total = 0;
  while (size_t got = in.read(buf.get(), 1 << 18))
    total += got;
  return total;
}

std::string read_file(const std::filesystem::path& path, size_t limit) {
  FileReader in(path);
  return read_all(in, limit, path.string());
}

void write_file_atomic(const std::filesystem::path& path, std::string_view data) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);  // through symbolic links
  fs::path target = path;
  if (!ec && fs::exists(st)) {
    if (fs::is_directory(st)) fail("cannot write {}: it is a directory", path.string());
    if (!fs::is_regular_file(st)) {
      // A device, pipe or socket (-o /dev/null, --report /dev/stdout): written in place.
      // The rename below would put a plain file where the node was.
      FileWriter out(path);
      out.write(data);
      out.close();
      return;
    }
    // A link to a file: the file is replaced and the link stays.
    if (fs::is_symlink(fs::symlink_status(path, ec))) {
      fs::path real = fs::canonical(path, ec);
      if (!ec) target = real;
    }
  }
  auto tmp = target;
  tmp += ".tmp-" + std::to_string(::getpid());
  {
    FileWriter out(tmp);
    out.write(data);
    out.close();
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    fail("cannot write {}: {}", path.string(), ec.message());
  }
}

}  // namespace imgstrip
