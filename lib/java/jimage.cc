#include "java/jimage.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "core/error.h"

namespace imgstrip {

namespace {

constexpr uint32_t kMagic = 0xCAFEDADA;
// Sizes a JDK's index never comes near (JDK 21's has ~40k resources, a few MB).
constexpr uint64_t kMaxIndex = uint64_t{256} << 20;
constexpr uint64_t kMaxModuleInfo = uint64_t{1} << 20;

enum Attribute : uint8_t {
  kAttrEnd = 0,
  kAttrModule,
  kAttrParent,
  kAttrBase,
  kAttrExtension,
  kAttrOffset,
  kAttrCompressed,
  kAttrUncompressed,
  kAttrCount
};

struct Header {
  bool big = false;
  uint32_t version = 0, flags = 0, resources = 0, table_length = 0, locations = 0, strings = 0;
};

uint32_t u32_at(std::string_view b, size_t off, bool big) {
  unsigned char c[4];
  std::memcpy(c, b.data() + off, 4);
  return big ? (uint32_t{c[0]} << 24 | uint32_t{c[1]} << 16 | uint32_t{c[2]} << 8 | c[3])
             : (uint32_t{c[3]} << 24 | uint32_t{c[2]} << 16 | uint32_t{c[1]} << 8 | c[0]);
}

Header header(std::string_view head) {
  if (head.size() < kJImageHeaderSize)
    fail("jimage: {} bytes, shorter than its {}-byte header", head.size(), kJImageHeaderSize);
  Header h;
  if (u32_at(head, 0, false) == kMagic)
    h.big = false;
  else if (u32_at(head, 0, true) == kMagic)
    h.big = true;
  else
    fail("jimage: bad magic {:#010x} (not a JDK run-time image)", u32_at(head, 0, false));
  h.version = u32_at(head, 4, h.big);
  h.flags = u32_at(head, 8, h.big);
  h.resources = u32_at(head, 12, h.big);
  h.table_length = u32_at(head, 16, h.big);
  h.locations = u32_at(head, 20, h.big);
  h.strings = u32_at(head, 24, h.big);
  if (h.version >> 16 != 1)
    fail("jimage: version {}.{} is not read (1.x is)", h.version >> 16, h.version & 0xffff);
  return h;
}

uint64_t index_size(const Header& h) {
  return kJImageHeaderSize + uint64_t{h.table_length} * 8 + h.locations + h.strings;
}

// The NUL-terminated string at `off` in the strings table.
std::string string_at(std::string_view strings, uint64_t off, std::string_view what) {
  if (off >= strings.size())
    fail("jimage: {} string offset {} is past the strings table ({} bytes)", what, off,
         strings.size());
  size_t end = strings.find('\0', static_cast<size_t>(off));
  if (end == std::string_view::npos) fail("jimage: {} string at {} is not terminated", what, off);
  return std::string(strings.substr(static_cast<size_t>(off), end - static_cast<size_t>(off)));
}

// Reads exactly n bytes (or throws: truncated).
void read_exact(ReadStream& in, char* buf, size_t n, std::string_view what) {
  size_t got = 0;
  while (got < n) {
    size_t r = in.read(buf + got, n - got);
    if (r == 0) fail("jimage: truncated in its {}", what);
    got += r;
  }
}

void skip(ReadStream& in, uint64_t n, std::string_view what) {
  std::array<char, 1 << 16> buf;
  while (n > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, buf.size()));
    size_t r = in.read(buf.data(), want);
    if (r == 0) fail("jimage: truncated before {}", what);
    n -= r;
  }
}

}  // namespace

uint64_t jimage_index_size(std::string_view head) {
  return index_size(header(head));
}

JImageIndex parse_jimage_index(std::string_view index) {
  Header h = header(index);
  JImageIndex out;
  out.major = static_cast<uint16_t>(h.version >> 16);
  out.minor = static_cast<uint16_t>(h.version & 0xffff);
  out.index_size = index_size(h);
  if (out.index_size > kMaxIndex)
    fail("jimage: an index of {} bytes is larger than {} MiB", out.index_size, kMaxIndex >> 20);
  if (index.size() < out.index_size)
    fail("jimage: index of {} bytes announced, {} given", out.index_size, index.size());
  size_t offsets_at = kJImageHeaderSize + size_t{h.table_length} * 4;
  size_t locations_at = offsets_at + size_t{h.table_length} * 4;
  std::string_view locations = index.substr(locations_at, h.locations);
  std::string_view strings = index.substr(locations_at + h.locations, h.strings);
  out.resources.reserve(h.table_length);
  for (uint32_t i = 0; i < h.table_length; ++i) {
    uint32_t at = u32_at(index, offsets_at + size_t{i} * 4, h.big);
    std::array<uint64_t, kAttrCount> attr{};
    size_t p = at;
    for (;;) {
      if (p >= locations.size())
        fail("jimage: location {} runs past the locations table ({} bytes)", i, locations.size());
      auto byte = static_cast<uint8_t>(locations[p]);
      uint8_t kind = byte >> 3;
      if (kind == kAttrEnd) break;
      if (kind >= kAttrCount) fail("jimage: location {} has an unknown attribute {}", i, kind);
      size_t len = (byte & 7u) + 1;
      if (len > locations.size() - p - 1)
        fail("jimage: location {} runs past the locations table ({} bytes)", i, locations.size());
      uint64_t v = 0;
      for (size_t k = 0; k < len; ++k)
        v = (v << 8) | static_cast<uint8_t>(locations[p + 1 + k]);
      attr[kind] = v;
      p += 1 + len;
    }
    JImageResource r;
    r.module = string_at(strings, attr[kAttrModule], "module");
    r.parent = string_at(strings, attr[kAttrParent], "parent");
    r.base = string_at(strings, attr[kAttrBase], "base");
    r.extension = string_at(strings, attr[kAttrExtension], "extension");
    r.offset = attr[kAttrOffset];
    r.compressed = attr[kAttrCompressed];
    r.uncompressed = attr[kAttrUncompressed];
    out.resources.push_back(std::move(r));
  }
  return out;
}

JImageModules read_jimage_modules(ReadStream& in) {
  JImageModules out;
  std::string index(kJImageHeaderSize, '\0');
  read_exact(in, index.data(), index.size(), "header");
  uint64_t size = jimage_index_size(index);
  if (size > kMaxIndex)
    fail("jimage: an index of {} bytes is larger than {} MiB", size, kMaxIndex >> 20);
  // Grown as the bytes arrive: a header alone does not get a large buffer allocated.
  std::array<char, 1 << 16> buf;
  while (index.size() < size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(size - index.size(), buf.size()));
    size_t got = in.read(buf.data(), want);
    if (got == 0) fail("jimage: truncated in its index ({} of {} bytes)", index.size(), size);
    index.append(buf.data(), got);
  }
  out.index = parse_jimage_index(index);

  // module-info.class of each module, in file order.
  std::vector<const JImageResource*> wanted;
  for (const auto& r : out.index.resources) {
    if (r.base != "module-info" || r.extension != "class" || !r.parent.empty() || r.module.empty())
      continue;
    if (r.compressed != 0) {
      out.compressed.push_back(r.module);
      continue;
    }
    if (r.uncompressed > kMaxModuleInfo)
      fail("jimage: {}'s module-info.class of {} bytes is larger than {} KiB", r.module,
           r.uncompressed, kMaxModuleInfo >> 10);
    wanted.push_back(&r);
  }
  std::sort(wanted.begin(), wanted.end(),
            [](const auto* a, const auto* b) { return a->offset < b->offset; });
  uint64_t pos = 0;  // from the end of the index
  for (const JImageResource* r : wanted) {
    std::string what = fmt::format("{}'s module-info.class", r->module);
    if (r->offset < pos)
      fail("jimage: {} overlaps the resource before it (offset {})", what, r->offset);
    if (out.module_info.count(r->module)) fail("jimage: module {} is listed twice", r->module);
    skip(in, r->offset - pos, what);
    std::string bytes(static_cast<size_t>(r->uncompressed), '\0');
    read_exact(in, bytes.data(), bytes.size(), what);
    pos = r->offset + r->uncompressed;
    out.module_info.emplace(r->module, std::move(bytes));
  }
  return out;
}

}  // namespace imgstrip
