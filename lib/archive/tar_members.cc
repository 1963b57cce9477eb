#include "archive/tar_members.h"

#include <archive.h>
#include <archive_entry.h>

#include "core/error.h"

namespace imgstrip {
namespace {

struct ArchiveReader {
  archive* a = nullptr;
  explicit ArchiveReader(const std::filesystem::path& file) {
    a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, file.c_str(), 1 << 20) != ARCHIVE_OK) {
      std::string msg = archive_error_string(a) ? archive_error_string(a) : "unknown error";
      archive_read_free(a);
      a = nullptr;
      fail("{}: cannot read as a tar archive: {}", file.string(), msg);
    }
  }
  ~ArchiveReader() {
    if (a != nullptr) archive_read_free(a);
  }
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;
};

class MemberStream : public ReadStream {
 public:
  MemberStream(std::unique_ptr<ArchiveReader> reader, std::string what)
      : reader_(std::move(reader)), what_(std::move(what)) {}
  size_t read(void* buf, size_t n) override {
    la_ssize_t got = archive_read_data(reader_->a, buf, n);
    if (got < 0) {
      fail("{}: {}", what_,
           archive_error_string(reader_->a) ? archive_error_string(reader_->a) : "read error");
    }
    return static_cast<size_t>(got);
  }

 private:
  std::unique_ptr<ArchiveReader> reader_;
  std::string what_;
};

}  // namespace

std::string TarMembers::normalize(const std::string& name) {
  std::string n = name;
  while (n.starts_with("./"))
    n.erase(0, 2);
  while (n.starts_with("/"))
    n.erase(0, 1);
  return n;
}

TarMembers::TarMembers(std::filesystem::path file) : file_(std::move(file)) {
  ArchiveReader r(file_);
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(r.a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      fail("{}: corrupt tar archive: {}", file_.string(),
           archive_error_string(r.a) ? archive_error_string(r.a) : "unknown error");
    }
    if (archive_entry_filetype(e) == AE_IFREG && archive_entry_pathname(e) != nullptr) {
      int64_t size = archive_entry_size(e);
      auto [it, fresh] = sizes_.emplace(normalize(archive_entry_pathname(e)),
                                        size < 0 ? 0 : static_cast<uint64_t>(size));
      if (!fresh) fail("{}: member \"{}\" appears twice", file_.string(), it->first);
    }
  }
}

uint64_t TarMembers::size(const std::string& name) const {
  auto it = sizes_.find(normalize(name));
  if (it == sizes_.end()) fail("{}: no member \"{}\" in the archive", file_.string(), name);
  return it->second;
}

std::unique_ptr<ReadStream> TarMembers::open(const std::string& name) const {
  std::string want = normalize(name);
  if (sizes_.count(want) == 0) fail("{}: no member \"{}\" in the archive", file_.string(), name);
  auto r = std::make_unique<ArchiveReader>(file_);
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(r->a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) fail("{}: corrupt tar archive", file_.string());
    if (archive_entry_filetype(e) == AE_IFREG && archive_entry_pathname(e) != nullptr &&
        normalize(archive_entry_pathname(e)) == want) {
      return std::make_unique<MemberStream>(std::move(r), file_.string() + ": " + want);
    }
  }
  fail("{}: member \"{}\" disappeared while reading", file_.string(), name);
}

std::string TarMembers::read(const std::string& name, size_t limit) const {
  auto in = open(name);
  return read_all(*in, limit, file_.string() + ": " + normalize(name));
}

}  // namespace imgstrip
