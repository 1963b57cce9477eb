// Bounds-checked reads of little- or big-endian integers from a byte buffer. Internal to
// lib/elf: every structure the ELF reader decodes goes through this.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "elf/elf_header.h"

namespace imgstrip::elf_detail {

// True when [offset, offset + size) lies inside a buffer of `total` bytes (no overflow).
inline bool in_bounds(uint64_t offset, uint64_t size, uint64_t total) {
  return offset <= total && size <= total - offset;
}

class ByteReader {
 public:
  ByteReader(std::string_view bytes, ElfClass c, ElfEndian e)
      : bytes_(bytes), wide_(c == ElfClass::Elf64), big_(e == ElfEndian::Big) {}

  std::string_view bytes() const { return bytes_; }
  bool wide() const { return wide_; }
  size_t word_size() const { return wide_ ? 8 : 4; }

  std::optional<uint8_t> u8(uint64_t off) const { return uint(off, 1); }
  std::optional<uint16_t> u16(uint64_t off) const { return narrow<uint16_t>(uint(off, 2)); }
  std::optional<uint32_t> u32(uint64_t off) const { return narrow<uint32_t>(uint(off, 4)); }
  std::optional<uint64_t> u64(uint64_t off) const { return uint(off, 8); }
  // A target word: 4 bytes in ELF32, 8 in ELF64.
  std::optional<uint64_t> word(uint64_t off) const { return uint(off, word_size()); }

  // Reads fields in sequence; once a read is out of bounds, ok() is false for good.
  class Cursor {
   public:
    Cursor(const ByteReader& r, uint64_t off) : r_(r), off_(off) {}
    uint8_t u8() { return take<uint8_t>(1); }
    uint16_t u16() { return take<uint16_t>(2); }
    uint32_t u32() { return take<uint32_t>(4); }
    uint64_t u64() { return take<uint64_t>(8); }
    uint64_t word() { return take<uint64_t>(r_.word_size()); }
    bool ok() const { return ok_; }

   private:
    template <typename T>
    T take(size_t n) {
      auto v = r_.uint(off_, n);
      if (!v) ok_ = false;
      off_ += n;
      return v ? static_cast<T>(*v) : T{};
    }
    const ByteReader& r_;
    uint64_t off_;
    bool ok_ = true;
  };
  Cursor at(uint64_t off) const { return Cursor(*this, off); }

  std::optional<uint64_t> uint(uint64_t off, size_t n) const {
    if (!in_bounds(off, n, bytes_.size())) return std::nullopt;
    unsigned char b[8];
    std::memcpy(b, bytes_.data() + off, n);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
      size_t idx = big_ ? i : n - 1 - i;
      v = (v << 8) | b[idx];
    }
    return v;
  }

 private:
  template <typename T>
  static std::optional<T> narrow(std::optional<uint64_t> v) {
    if (!v) return std::nullopt;
    return static_cast<T>(*v);
  }
  std::string_view bytes_;
  bool wide_;
  bool big_;
};

}  // namespace imgstrip::elf_detail
