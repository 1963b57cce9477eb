#include "seccomp/eh_frame.h"

#include <elf.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace imgstrip {

namespace {

constexpr uint8_t kOmit = 0xff;
constexpr uint8_t kDatarelSdata4 = 0x3b;  // DW_EH_PE_datarel | DW_EH_PE_sdata4

// Reads an encoded pointer of the kinds linkers write into .eh_frame_hdr's header.
bool read_encoded(std::string_view b, size_t& pos, uint8_t enc, uint64_t vaddr, uint64_t& out) {
  if (enc == kOmit) return false;
  uint64_t base = 0;
  switch (enc & 0x70) {
    case 0x00:
      break;
    case 0x10:  // pcrel
      base = vaddr + pos;
      break;
    case 0x30:  // datarel: relative to the start of .eh_frame_hdr
      base = vaddr;
      break;
    default:
      return false;
  }
  uint64_t v = 0;
  switch (enc & 0x0f) {
    case 0x03:    // udata4
    case 0x0b: {  // sdata4
      if (pos + 4 > b.size()) return false;
      uint32_t u;
      std::memcpy(&u, b.data() + pos, 4);
      pos += 4;
      v = (enc & 0x0f) == 0x0b
              ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(u)))
              : u;
      break;
    }
    case 0x04:  // udata8
    case 0x0c:  // sdata8
      if (pos + 8 > b.size()) return false;
      std::memcpy(&v, b.data() + pos, 8);
      pos += 8;
      break;
    default:
      return false;
  }
  out = base + v;
  return true;
}

}  // namespace

std::vector<uint64_t> eh_frame_function_starts(const ElfFile& elf,
                                               std::vector<std::string>& notes) {
  std::vector<uint64_t> out;
  if (elf.endian() != ElfEndian::Little || elf.elf_class() != ElfClass::Elf64) return out;
  std::string_view b;
  uint64_t vaddr = 0;
  if (const ElfSection* s = elf.section(".eh_frame_hdr")) {
    auto bytes = elf.section_bytes(*s);
    if (!bytes) return out;
    b = *bytes;
    vaddr = s->addr;
  } else {
    for (const auto& seg : elf.segments()) {
      if (seg.type != PT_GNU_EH_FRAME) continue;
      auto bytes = elf.bytes_at(seg.vaddr, seg.filesz);
      if (!bytes) return out;
      b = *bytes;
      vaddr = seg.vaddr;
    }
  }
  if (b.size() < 4) return out;
  if (b[0] != 1) {
    notes.push_back(fmt::format("{}: .eh_frame_hdr version {}", elf.name(), int(b[0])));
    return out;
  }
  uint8_t ptr_enc = static_cast<uint8_t>(b[1]);
  uint8_t count_enc = static_cast<uint8_t>(b[2]);
  uint8_t table_enc = static_cast<uint8_t>(b[3]);
  size_t pos = 4;
  uint64_t eh_frame = 0, count = 0;
  if (!read_encoded(b, pos, ptr_enc, vaddr, eh_frame) ||
      !read_encoded(b, pos, count_enc, vaddr, count)) {
    return out;
  }
  if (table_enc != kDatarelSdata4) {
    notes.push_back(
        fmt::format("{}: .eh_frame_hdr table encoding {:#x} not supported", elf.name(), table_enc));
    return out;
  }
  if (count > (b.size() - pos) / 8) {
    notes.push_back(fmt::format("{}: .eh_frame_hdr claims {} entries, has room for {}", elf.name(),
                                count, (b.size() - pos) / 8));
    count = (b.size() - pos) / 8;
  }
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    int32_t start;
    std::memcpy(&start, b.data() + pos + i * 8, 4);
    out.push_back(vaddr + static_cast<uint64_t>(static_cast<int64_t>(start)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace imgstrip
