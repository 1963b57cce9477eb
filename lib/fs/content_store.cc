#include "fs/content_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "core/error.h"

namespace imgstrip {
namespace {

std::filesystem::path default_dir() {
  const char* tmp = std::getenv("TMPDIR");
  if (tmp != nullptr && *tmp != '\0') return tmp;
  return "/var/tmp";
}

// An anonymous file in `dir`: O_TMPFILE where the file system supports it, otherwise
// mkstemp and an immediate unlink.
int open_anonymous(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string tmpl = (dir / "imgstrip-spool-XXXXXX").string();
  fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) fail("cannot create a spool file in {}: {}", dir.string(), errno_text(errno));
  ::unlink(tmpl.c_str());
  return fd;
}

// Reads [offset, offset+size) of the spool file with pread; the store must outlive it.
class SpoolReader : public ReadStream {
 public:
  SpoolReader(int fd, uint64_t offset, uint64_t size) : fd_(fd), offset_(offset), left_(size) {}
  size_t read(void* buf, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, left_));
    if (n == 0) return 0;
    for (;;) {
      ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(offset_));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("cannot read the spool file: {}", errno_text(errno));
      if (got == 0) fail("cannot read the spool file: it ends at offset {}", offset_);
      offset_ += static_cast<uint64_t>(got);
      left_ -= static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
  }

 private:
  int fd_;
  uint64_t offset_;
  uint64_t left_;
};

constexpr size_t kPendingLimit = 1 << 20;

void write_at(int fd, std::string_view bytes, uint64_t offset) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n > 0) {
    ssize_t put = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) fail("cannot write the spool file: {}", errno_text(errno));
    p += put;
    n -= static_cast<size_t>(put);
    offset += static_cast<uint64_t>(put);
  }
}

}  // namespace

ContentStore::ContentStore(const std::filesystem::path& dir)
    : fd_(open_anonymous(dir.empty() ? default_dir() : dir)) {
  pending_.reserve(kPendingLimit);
}

ContentStore::~ContentStore() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t ContentStore::append(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  uint64_t offset = end_;
  if (pending_.size() + bytes.size() > kPendingLimit) flush();
  if (bytes.size() >= kPendingLimit) {
    write_at(fd_, bytes, end_);
  } else {
    if (pending_.empty()) pending_at_ = end_;
    pending_.append(bytes);
  }
  end_ += bytes.size();
  return offset;
}

void ContentStore::flush() const {
  if (pending_.empty()) return;
  write_at(fd_, pending_, pending_at_);
  pending_.clear();
}

uint64_t ContentStore::append(ReadStream& in, uint64_t size) {
  uint64_t offset = end_;
  std::unique_ptr<char[]> buf(new char[1 << 20]);
  uint64_t left = size;
  while (left > 0) {
    size_t got = in.read(buf.get(), static_cast<size_t>(std::min<uint64_t>(left, 1 << 20)));
    if (got == 0) fail("spooling contents: the stream ended {} bytes early", left);
    append(std::string_view(buf.get(), got));
    left -= got;
  }
  return offset;
}

std::unique_ptr<ReadStream> ContentStore::open(uint64_t offset, uint64_t size) const {
  std::lock_guard lock(mutex_);
  flush();
  if (offset > end_ || size > end_ - offset) {
    fail("spool file range {}+{} is beyond its end ({} bytes)", offset, size, end_);
  }
  return std::make_unique<SpoolReader>(fd_, offset, size);
}

}  // namespace imgstrip
