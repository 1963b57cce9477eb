// Test helper: builds layer tars in memory with libarchive's write API (plain, gzip or
// zstd), and raw ustar headers for what libarchive would not write (absurd sizes).
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fs/tree.h"
#include "oci/media_types.h"

namespace imgstrip::test {

struct TarItem {
  std::string path;
  FileType type = FileType::Regular;
  uint32_t mode = 0644;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string uname;
  std::string gname;
  int64_t mtime = 1000;
  std::string data;
  std::string link;      // symlink target
  std::string hardlink;  // hard link target (a tar hardlink entry)
  uint32_t major = 0;
  uint32_t minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

class LayerBuilder {
 public:
  LayerBuilder& file(std::string path, std::string data, uint32_t mode = 0644) {
    TarItem& t = add(std::move(path), FileType::Regular, mode);
    t.data = std::move(data);
    return *this;
  }
  LayerBuilder& dir(std::string path, uint32_t mode = 0755) {
    add(std::move(path), FileType::Directory, mode);
    return *this;
  }
  LayerBuilder& symlink(std::string path, std::string target) {
    add(std::move(path), FileType::Symlink, 0777).link = std::move(target);
    return *this;
  }
  LayerBuilder& hardlink(std::string path, std::string target) {
    add(std::move(path), FileType::Regular, 0644).hardlink = std::move(target);
    return *this;
  }
  LayerBuilder& device(std::string path, FileType type, uint32_t major, uint32_t minor) {
    TarItem& t = add(std::move(path), type, 0600);
    t.major = major;
    t.minor = minor;
    return *this;
  }
  LayerBuilder& fifo(std::string path) {
    add(std::move(path), FileType::Fifo, 0600);
    return *this;
  }
  // Changes the last item added.
  TarItem& last() { return items_.back(); }

  std::string tar(media::Compression c = media::Compression::None) const {
    std::string out;
    struct archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (c == media::Compression::Gzip) archive_write_add_filter_gzip(a);
    if (c == media::Compression::Zstd) archive_write_add_filter_zstd(a);
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open2(a, &out, nullptr, &append, nullptr, nullptr);
    for (const TarItem& t : items_) {
      archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, t.path.c_str());
      archive_entry_set_mode(e, type_bits(t.type) | t.mode);
      archive_entry_set_uid(e, t.uid);
      archive_entry_set_gid(e, t.gid);
      if (!t.uname.empty()) archive_entry_set_uname(e, t.uname.c_str());
      if (!t.gname.empty()) archive_entry_set_gname(e, t.gname.c_str());
      archive_entry_set_mtime(e, t.mtime, 0);
      if (!t.link.empty()) archive_entry_set_symlink(e, t.link.c_str());
      if (!t.hardlink.empty()) archive_entry_set_hardlink(e, t.hardlink.c_str());
      archive_entry_set_rdevmajor(e, t.major);
      archive_entry_set_rdevminor(e, t.minor);
      for (auto& [k, v] : t.xattrs)
        archive_entry_xattr_add_entry(e, k.c_str(), v.data(), v.size());
      archive_entry_set_size(e, static_cast<la_int64_t>(t.data.size()));
      if (archive_write_header(a, e) < ARCHIVE_WARN) {
        std::string err = archive_error_string(a);
        archive_entry_free(e);
        archive_write_free(a);
        throw std::runtime_error("test tar: " + err);
      }
      if (!t.data.empty()) archive_write_data(a, t.data.data(), t.data.size());
      archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
  }

 private:
  TarItem& add(std::string path, FileType type, uint32_t mode) {
    TarItem& t = items_.emplace_back();
    t.path = std::move(path);
    t.type = type;
    t.mode = mode;
    return t;
  }
  static unsigned type_bits(FileType t) {
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
  static la_ssize_t append(struct archive*, void* out, const void* buf, size_t n) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }

  std::vector<TarItem> items_;
};

// One ustar header block for a regular file whose size field is `size` in base-256 (GNU),
// followed by `data` and no end-of-archive marker: a tar header lying about its size.
inline std::string raw_header(const std::string& name, uint64_t size, const std::string& data) {
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), std::min<size_t>(name.size(), 100));
  std::memcpy(&h[100], "0000644", 7);
  std::memcpy(&h[108], "0000000", 7);
  std::memcpy(&h[116], "0000000", 7);
  h[124] = static_cast<char>(0x80);  // base-256 size
  for (int i = 0; i < 8; ++i)
    h[135 - i] = static_cast<char>((size >> (8 * i)) & 0xff);
  std::memcpy(&h[136], "00000001750", 11);
  h[156] = '0';
  std::memcpy(&h[257], "ustar", 6);
  std::memcpy(&h[263], "00", 2);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h)
    sum += c;
  char chk[8];
  std::snprintf(chk, sizeof chk, "%06o", sum);
  std::memcpy(&h[148], chk, 7);
  h[154] = '\0';
  h[155] = ' ';
  std::string out = h + data;
  out.resize((out.size() + 511) / 512 * 512, '\0');
  return out;
}

}  // namespace imgstrip::test
