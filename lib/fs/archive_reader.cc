#include "fs/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include "core/error.h"
#include "fs/gzip_reader.h"

namespace imgstrip {
namespace {

constexpr size_t kBlockSize = 1 << 20;

// Filters decoded in-process. archive_read_support_filter_all would also enable filters
// that run external programs (lrzip, grzip, lzop) on what may be a hostile blob.
void support_filters(struct archive* a) {
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_bzip2(a);
}

}  // namespace

ArchiveReader::ArchiveReader(ReadStream& in, Format format, std::string name)
    : name_(std::move(name)), buffer_(new char[kBlockSize]) {
  in_ = gunzip_if_gzip(in, name_);
  archive_ = archive_read_new();
  if (archive_ == nullptr) fail("{}: cannot create a libarchive reader", name_);
  support_filters(archive_);
  if (format == Format::Tar) {
    archive_read_support_format_tar(archive_);
    archive_read_support_format_empty(archive_);
  } else {
    archive_read_support_format_raw(archive_);
    archive_read_support_format_empty(archive_);
  }
  if (archive_read_open(archive_, this, nullptr, &ArchiveReader::read_callback, nullptr) !=
      ARCHIVE_OK) {
    try {
      fail_with("");
    } catch (...) {
      archive_read_free(archive_);  // the destructor does not run for a failed constructor
      throw;
    }
  }
}

ArchiveReader::~ArchiveReader() {
  archive_read_free(archive_);
}

long ArchiveReader::read_callback(struct archive* a, void* self, const void** buf) {
  auto* reader = static_cast<ArchiveReader*>(self);
  *buf = reader->buffer_.get();
  try {
    return static_cast<long>(reader->in_->read(reader->buffer_.get(), kBlockSize));
  } catch (...) {
    // Exceptions must not cross libarchive's C frames: keep it and raise it afterwards.
    reader->stream_error_ = std::current_exception();
    archive_set_error(a, EIO, "read error");
    return -1;
  }
}

archive_entry* ArchiveReader::next() {
  if (at_end_) return nullptr;
  std::string previous = std::move(entry_);
  entry_.clear();
  archive_entry* entry = nullptr;
  int rc = archive_read_next_header(archive_, &entry);
  if (rc == ARCHIVE_EOF) {
    at_end_ = true;
    // libarchive may have seen the end and ignored a failing last read (a digest check).
    if (stream_error_) fail_with("");
    try {
      drain(*in_);
    } catch (const Error& e) {
      fail("{}: {}", name_, e.what());
    }
    return nullptr;
  }
  // ARCHIVE_WARN covers names that cannot be converted to the locale's charset; the raw
  // bytes are still there and that is what we want.
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
    fail_with(previous.empty() ? "" : fmt::format("after \"{}\"", previous));
  }
  return entry;
}

bool ArchiveReader::block(std::string_view& data, int64_t& offset) {
  const void* buf = nullptr;
  size_t size = 0;
  la_int64_t off = 0;
  int rc = archive_read_data_block(archive_, &buf, &size, &off);
  if (rc == ARCHIVE_EOF) return false;
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) fail_with(entry_);
  data = std::string_view(static_cast<const char*>(buf), size);
  offset = off;
  return true;
}

size_t ArchiveReader::read(void* buf, size_t n) {
  la_ssize_t got = archive_read_data(archive_, buf, n);
  if (got < 0) fail_with(entry_);
  return static_cast<size_t>(got);
}

void ArchiveReader::skip() {
  if (archive_read_data_skip(archive_) != ARCHIVE_OK) fail_with(entry_);
}

void ArchiveReader::fail_with(std::string_view entry) {
  std::string where = entry.empty() ? name_ : fmt::format("{}: entry {}", name_, entry);
  at_end_ = true;  // nothing more can be read
  if (stream_error_) {
    auto error = stream_error_;
    stream_error_ = nullptr;
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      fail("{}: {}", where, e.what());
    }
  }
  const char* text = archive_error_string(archive_);
  fail("{}: {}", where, text != nullptr ? text : "unreadable archive");
}

}  // namespace imgstrip
