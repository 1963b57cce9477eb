#include "harden/file_caps.h"

namespace imgstrip {

namespace {

constexpr uint32_t kRevisionMask = 0xff000000;
constexpr uint32_t kRevision1 = 0x01000000;
constexpr uint32_t kRevision2 = 0x02000000;
constexpr uint32_t kRevision3 = 0x03000000;
constexpr uint32_t kEffective = 0x000001;

uint32_t le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}

}  // namespace

std::optional<FileCaps> parse_file_caps(std::string_view value) {
  if (value.size() < 4) return std::nullopt;
  uint32_t magic = le32(value, 0);
  uint32_t revision = magic & kRevisionMask;
  size_t words = 0;  // {permitted, inheritable} pairs
  size_t size = 0;
  if (revision == kRevision1) {
    words = 1, size = 12;
  } else if (revision == kRevision2) {
    words = 2, size = 20;
  } else if (revision == kRevision3) {
    words = 2, size = 24;
  } else {
    return std::nullopt;
  }
  if (value.size() != size) return std::nullopt;
  FileCaps out;
  out.effective = (magic & kEffective) != 0;
  for (size_t w = 0; w < words; ++w) {
    out.permitted |= uint64_t{le32(value, 4 + 8 * w)} << (32 * w);
    out.inheritable |= uint64_t{le32(value, 8 + 8 * w)} << (32 * w);
  }
  if (revision == kRevision3) out.root_uid = le32(value, 20);
  return out;
}

std::vector<unsigned> capability_numbers(uint64_t mask) {
  std::vector<unsigned> out;
  for (unsigned n = 0; n < 64; ++n)
    if ((mask >> n) & 1u) out.push_back(n);
  return out;
}

}  // namespace imgstrip
