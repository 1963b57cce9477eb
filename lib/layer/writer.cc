#include "layer/writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <charconv>
#include <cstdlib>
#include <deque>
#include <exception>
#include <map>

#include "core/error.h"
#include "layer/compressor.h"
#include "oci/digest.h"

namespace imgstrip {
namespace {

constexpr size_t kDataBlock = 1 << 20;

mode_t archive_type(FileType t) {
  switch (t) {
    case FileType::Regular:
      return AE_IFREG;
    case FileType::Directory:
      return AE_IFDIR;
    case FileType::Symlink:
      return AE_IFLNK;
    case FileType::CharDevice:
      return AE_IFCHR;
    case FileType::BlockDevice:
      return AE_IFBLK;
    case FileType::Fifo:
      return AE_IFIFO;
    case FileType::Socket:
      return AE_IFSOCK;
  }
  return AE_IFREG;
}

// The entries to write, sorted by path bytes, with the parents they need.
class Selection {
 public:
  Selection(const FileTree& tree, const std::set<std::string>& paths) {
    for (const auto& p : paths) {
      std::string path = FileTree::normalize(p);
      if (path.empty()) continue;  // the root is implied
      const Entry* e = tree.find(path);
      if (e == nullptr) fail("cannot write {}: it is not in the image", path);
      entries_[path] = e;
      add_parents(tree, path);
    }
  }
  const std::map<std::string, const Entry*>& entries() const { return entries_; }

 private:
  void add_parents(const FileTree& tree, std::string_view path) {
    size_t slash = path.rfind('/');
    while (slash != std::string_view::npos) {
      std::string dir(path.substr(0, slash));
      if (entries_.contains(dir)) return;  // its parents were added with it
      const Entry* e = tree.find(dir);
      if (e == nullptr || e->type != FileType::Directory) {
        Entry& made = made_.emplace_back();
        made.path = dir;
        made.type = FileType::Directory;
        made.mode = 0755;
        e = &made;
      }
      entries_[dir] = e;
      slash = dir.rfind('/');
    }
  }

  std::map<std::string, const Entry*> entries_;
  std::deque<Entry> made_;  // parents the tree lacks
};

// libarchive writing a tar to a WriteStream; errors of the stream are raised again after
// libarchive reports the failure.
class TarWriter {
 public:
  TarWriter(WriteStream& out, std::string name) : out_(out), name_(std::move(name)) {
    archive_ = archive_write_new();
    if (archive_ == nullptr) fail("{}: cannot create a libarchive writer", name_);
    try {
      check(archive_write_set_format_pax_restricted(archive_), "");
      // SCHILY.xattr only (GNU tar's form), not a second LIBARCHIVE.xattr copy.
      check(archive_write_set_format_option(archive_, "pax", "xattrheader", "SCHILY"), "");
      check(archive_write_set_bytes_per_block(archive_, 1 << 16), "");
      check(archive_write_set_bytes_in_last_block(archive_, 1), "");
      check(archive_write_open2(archive_, this, nullptr, &TarWriter::write_callback, nullptr,
                                nullptr),
            "");
    } catch (...) {
      archive_write_free(archive_);  // the destructor does not run for a failed constructor
      throw;
    }
    entry_ = archive_entry_new();
  }
  ~TarWriter() {
    archive_entry_free(entry_);
    archive_write_free(archive_);
  }
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  archive_entry* fresh_entry() {
    archive_entry_clear(entry_);
    return entry_;
  }
  void header(std::string_view path) {
    // ARCHIVE_WARN: a name that is not valid in the locale's charset (always so for
    // non-ASCII names in the C locale) is written as raw bytes with hdrcharset=BINARY.
    if (archive_write_header(archive_, entry_) < ARCHIVE_WARN) raise(path);
  }
  void data(const void* buf, size_t n, std::string_view path) {
    if (archive_write_data(archive_, buf, n) < 0) raise(path);
  }
  void close() { check(archive_write_close(archive_), ""); }

 private:
  static la_ssize_t write_callback(struct archive* a, void* self, const void* buf, size_t n) {
    auto* w = static_cast<TarWriter*>(self);
    try {
      w->out_.write(buf, n);
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      w->error_ = std::current_exception();
      archive_set_error(a, EIO, "write error");
      return -1;
    }
  }
  void check(int rc, std::string_view path) {
    if (rc != ARCHIVE_OK) raise(path);
  }
  [[noreturn]] void raise(std::string_view path) {
    if (error_) std::rethrow_exception(error_);
    const char* text = archive_error_string(archive_);
    if (path.empty()) fail("{}: {}", name_, text ? text : "libarchive failed");
    fail("{}: entry {}: {}", name_, path, text ? text : "libarchive failed");
  }

  WriteStream& out_;
  std::string name_;
  struct archive* archive_ = nullptr;
  archive_entry* entry_ = nullptr;
  std::exception_ptr error_;
};

void set_metadata(archive_entry* ae, const Entry& e, const LayerOptions& options) {
  archive_entry_set_pathname(ae, e.path.c_str());
  archive_entry_set_mode(ae, archive_type(e.type) | (e.mode & 07777));
  archive_entry_set_uid(ae, e.uid);
  archive_entry_set_gid(ae, e.gid);
  if (!e.uname.empty()) archive_entry_set_uname(ae, e.uname.c_str());
  if (!e.gname.empty()) archive_entry_set_gname(ae, e.gname.c_str());
  int64_t mtime = options.timestamp ? std::min(e.mtime, *options.timestamp) : e.mtime;
  archive_entry_set_mtime(ae, mtime, 0);
  for (const auto& [name, value] : e.xattrs) {
    archive_entry_xattr_add_entry(ae, name.c_str(), value.data(), value.size());
  }
  switch (e.type) {
    case FileType::Symlink:
      archive_entry_set_symlink(ae, e.link.c_str());
      break;
    case FileType::CharDevice:
    case FileType::BlockDevice:
      archive_entry_set_rdevmajor(ae, e.dev_major);
      archive_entry_set_rdevminor(ae, e.dev_minor);
      break;
    default:
      break;
  }
}

void write_contents(TarWriter& tar, const FileTree& tree, const Entry& e) {
  auto in = tree.open(e);
  std::unique_ptr<char[]> buf(new char[kDataBlock]);
  uint64_t total = 0;
  while (size_t got = in->read(buf.get(), kDataBlock)) {
    total += got;
    if (total > e.size) break;
    tar.data(buf.get(), got, e.path);
  }
  if (total != e.size) {
    fail("cannot write {}: its contents are {} bytes, its entry says {}", e.path, total, e.size);
  }
}

// Writes the tar stream of the selection; returns the number of entries.
size_t write_tar(TarWriter& tar, const FileTree& tree, const Selection& selection,
                 const LayerOptions& options) {
  std::map<uint64_t, const std::string*> first_of_inode;
  for (const auto& [path, entry] : selection.entries()) {
    const Entry& e = *entry;
    archive_entry* ae = tar.fresh_entry();
    set_metadata(ae, e, options);
    bool contents = e.type == FileType::Regular;
    if (contents && e.inode > 0) {
      auto [it, first] = first_of_inode.try_emplace(e.inode, &path);
      if (!first) {
        archive_entry_set_hardlink(ae, it->second->c_str());
        contents = false;
      }
    }
    archive_entry_set_size(ae, contents ? static_cast<la_int64_t>(e.size) : 0);
    tar.header(path);
    if (contents && e.size > 0) write_contents(tar, tree, e);
  }
  tar.close();
  return selection.entries().size();
}

std::string_view oci_layer_type(media::Compression c) {
  return media::layer_type(c, false);
}

}  // namespace

WrittenLayer write_layer(const FileTree& tree, const std::set<std::string>& paths,
                         const std::filesystem::path& out, const LayerOptions& options) {
  Selection selection(tree, paths);
  WrittenLayer result;
  result.path = out;
  try {
    FileWriter file(out);
    HashingWriter blob(&file);
    auto compressor = make_compressor(options.compression, options.level, blob);
    HashingWriter tar_bytes(compressor.get());
    TarWriter tar(tar_bytes, "layer " + out.string());
    result.entries = write_tar(tar, tree, selection, options);
    compressor->finish();
    file.close();
    result.diff_id = tar_bytes.finish();
    result.uncompressed_size = tar_bytes.count();
    result.descriptor.media_type = std::string(oci_layer_type(options.compression));
    result.descriptor.digest = blob.finish();
    result.descriptor.size = static_cast<int64_t>(blob.count());
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(out, ec);
    throw;
  }
  return result;
}

std::optional<int64_t> source_date_epoch() {
  const char* text = std::getenv("SOURCE_DATE_EPOCH");
  if (text == nullptr || *text == '\0') return std::nullopt;
  std::string_view s = text;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace imgstrip
