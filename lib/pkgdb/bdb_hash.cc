#include "pkgdb/bdb_hash.h"

#include <string>
#include <vector>

#include "core/error.h"

namespace imgstrip {
namespace {

constexpr uint32_t kHashMagic = 0x061561;
constexpr size_t kPageHeader = 26;      // lsn, pgno, prev, next, entries, hf_offset, level, type
constexpr size_t kChecksumHeader = 32;  // with the 4-byte checksum area of DB_CHKSUM files
constexpr uint8_t kPageHashUnsorted = 2, kPageOverflow = 7, kPageHash = 13;
constexpr uint8_t kItemKeyData = 1, kItemDuplicate = 2, kItemOffPage = 3, kItemOffDup = 4;

class Reader {
 public:
  Reader(std::string_view file, std::string_view where) : file_(file), where_(where) {}

  void open() {
    if (file_.size() < 512)
      fail("{}: {} bytes is too short for a Berkeley DB file", where_, file_.size());
    uint32_t magic_le = le32(12);
    if (magic_le == kHashMagic) {
      big_endian_ = false;
    } else if (be32(12) == kHashMagic) {
      big_endian_ = true;
    } else {
      fail("{}: offset 12: not a Berkeley DB hash database (magic {:#x})", where_, magic_le);
    }
    uint32_t version = u32(16);
    if (version < 8 || version > 10) {
      fail("{}: offset 16: unsupported Berkeley DB hash version {}", where_, version);
    }
    page_size_ = u32(20);
    if (page_size_ < 512 || page_size_ > 65536 || (page_size_ & (page_size_ - 1)) != 0) {
      fail("{}: offset 20: invalid page size {}", where_, page_size_);
    }
    if (file_[24] != 0)
      fail("{}: offset 24: encrypted Berkeley DB files are not supported", where_);
    header_ = (static_cast<uint8_t>(file_[26]) & 0x01) ? kChecksumHeader : kPageHeader;
    uint64_t last = u32(32);
    pages_ = file_.size() / page_size_;
    if (last >= pages_) {
      fail("{}: offset 32: last page {} is past the end of the file ({} pages)", where_, last,
           pages_);
    }
    pages_ = last + 1;
    max_bucket_ = u32(72);
    for (size_t i = 0; i < 32; ++i)
      spares_[i] = u32(96 + 4 * i);
  }

  void visit_all(const std::function<void(const BdbRecord&)>& visit) {
    seen_.assign(pages_, false);
    if (max_bucket_ >= pages_) {
      fail("{}: offset 72: {} buckets but only {} pages", where_, uint64_t{max_bucket_} + 1,
           pages_);
    }
    for (uint32_t bucket = 0; bucket <= max_bucket_; ++bucket) {
      int bits = 0;
      for (uint32_t b = bucket; b != 0; b >>= 1)
        ++bits;
      if (bits >= 32) fail("{}: bucket {} is out of range", where_, bucket);
      uint64_t pgno = uint64_t{bucket} + spares_[bits];
      while (pgno != 0) {
        if (pgno >= pages_) {
          fail("{}: bucket {} leads to page {} past the last page {}", where_, bucket, pgno,
               pages_ - 1);
        }
        mark_seen(pgno);
        visit_page(static_cast<uint32_t>(pgno), visit);
        pgno = page_u32(pgno, 16);
      }
    }
  }

 private:
  uint32_t le32(size_t off) const {
    auto* p = reinterpret_cast<const unsigned char*>(file_.data()) + off;
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
  }
  uint32_t be32(size_t off) const {
    auto* p = reinterpret_cast<const unsigned char*>(file_.data()) + off;
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  // Callers guarantee off + 4 <= file_.size().
  uint32_t u32(size_t off) const { return big_endian_ ? be32(off) : le32(off); }
  uint16_t u16(size_t off) const {
    auto* p = reinterpret_cast<const unsigned char*>(file_.data()) + off;
    return big_endian_ ? static_cast<uint16_t>((p[0] << 8) | p[1])
                       : static_cast<uint16_t>(p[0] | (p[1] << 8));
  }
  size_t page_offset(uint64_t pgno) const { return static_cast<size_t>(pgno) * page_size_; }
  uint32_t page_u32(uint64_t pgno, size_t off) const { return u32(page_offset(pgno) + off); }
  uint16_t page_u16(uint64_t pgno, size_t off) const { return u16(page_offset(pgno) + off); }
  uint8_t page_type(uint64_t pgno) const {
    return static_cast<uint8_t>(file_[page_offset(pgno) + 25]);
  }

  // Every page belongs to one bucket chain or one overflow item; a page reached twice is a
  // loop or a hostile file making us read the same pages over and over.
  void mark_seen(uint64_t pgno) {
    if (seen_[pgno]) fail("{}: page {} is reached twice", where_, pgno);
    seen_[pgno] = true;
  }

  void check_page(uint64_t pgno) const {
    if (page_u32(pgno, 8) != pgno) {
      fail("{}: page {} (offset {}) says it is page {}", where_, pgno, page_offset(pgno),
           page_u32(pgno, 8));
    }
  }

  void visit_page(uint32_t pgno, const std::function<void(const BdbRecord&)>& visit) {
    check_page(pgno);
    uint8_t type = page_type(pgno);
    if (type != kPageHash && type != kPageHashUnsorted) {
      fail("{}: page {} (offset {}) has type {}, expected a hash page", where_, pgno,
           page_offset(pgno), type);
    }
    size_t entries = page_u16(pgno, 20);
    if (entries % 2 != 0) {
      fail("{}: page {}: odd number of items {} (keys without values)", where_, pgno, entries);
    }
    size_t min_item = header_ + 2 * entries;
    if (min_item > page_size_) {
      fail("{}: page {}: {} items do not fit a page of {} bytes", where_, pgno, entries,
           page_size_);
    }
    size_t base = page_offset(pgno);
    auto item_offset = [&](size_t i) { return size_t{page_u16(pgno, header_ + 2 * i)}; };
    for (size_t i = 0; i < entries; i += 2) {
      size_t koff = item_offset(i);
      size_t voff = item_offset(i + 1);
      size_t kend = i == 0 ? page_size_ : item_offset(i - 1);
      // Items grow down from the end of the page: value below key below the previous value.
      if (koff < min_item || voff < min_item || kend > page_size_ || koff >= kend || voff >= koff) {
        fail("{}: page {}: item {} has inconsistent offsets (key {}..{}, value {})", where_, pgno,
             i, koff, kend, voff);
      }
      BdbRecord record;
      record.big_endian = big_endian_;
      std::string key_buf, value_buf;
      record.key = item(pgno, i, file_.substr(base + koff, kend - koff), key_buf);
      record.value = item(pgno, i + 1, file_.substr(base + voff, koff - voff), value_buf);
      visit(record);
    }
  }

  std::string_view item(uint32_t pgno, size_t index, std::string_view bytes, std::string& buf) {
    uint8_t type = static_cast<uint8_t>(bytes[0]);  // bytes is never empty (checked)
    if (type == kItemKeyData) return bytes.substr(1);
    if (type == kItemDuplicate || type == kItemOffDup) {
      fail("{}: page {}: item {} holds duplicates, which rpm databases do not use", where_, pgno,
           index);
    }
    if (type != kItemOffPage)
      fail("{}: page {}: item {} has unknown type {}", where_, pgno, index, type);
    if (bytes.size() < 12) fail("{}: page {}: overflow item {} is truncated", where_, pgno, index);
    size_t at = bytes.data() - file_.data();
    uint64_t next = u32(at + 4);
    uint64_t total = u32(at + 8);
    buf.clear();
    buf.reserve(std::min<uint64_t>(total, file_.size()));
    for (uint64_t steps = 0; buf.size() < total; ++steps) {
      if (next == 0 || next >= pages_ || steps >= pages_) {
        fail("{}: page {}: overflow item {} of {} bytes ends after {} bytes (bad page {})", where_,
             pgno, index, total, buf.size(), next);
      }
      check_page(next);
      mark_seen(next);  // each overflow page belongs to one item: reading stays linear
      if (page_type(next) != kPageOverflow) {
        fail("{}: page {} (offset {}) has type {}, expected an overflow page", where_, next,
             page_offset(next), page_type(next));
      }
      size_t len = page_u16(next, 22);  // hf_offset holds the data length on overflow pages
      if (header_ + len > page_size_ || buf.size() + len > total) {
        fail("{}: overflow page {} claims {} bytes", where_, next, len);
      }
      buf.append(file_.substr(page_offset(next) + header_, len));
      next = page_u32(next, 16);
    }
    return buf;
  }

  std::string_view file_;
  std::string_view where_;
  bool big_endian_ = false;
  uint32_t page_size_ = 0;
  size_t header_ = kPageHeader;
  uint64_t pages_ = 0;
  uint32_t max_bucket_ = 0;
  uint32_t spares_[32] = {};
  std::vector<bool> seen_;
};

}  // namespace

void read_bdb_hash(std::string_view file, std::string_view where,
                   const std::function<void(const BdbRecord&)>& visit) {
  Reader reader(file, where);
  reader.open();
  reader.visit_all(visit);
}

}  // namespace imgstrip
