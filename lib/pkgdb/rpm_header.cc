#include "pkgdb/rpm_header.h"

#include <algorithm>

#include "core/error.h"
#include "core/path.h"

namespace imgstrip {
namespace {

enum Type : uint32_t {
  kNull = 0,
  kChar = 1,
  kInt8 = 2,
  kInt16 = 3,
  kInt32 = 4,
  kInt64 = 5,
  kString = 6,
  kBin = 7,
  kStringArray = 8,
  kI18nString = 9,
};

// rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX).
constexpr uint32_t kMaxEntries = 0xffff;
constexpr uint32_t kMaxData = 0x0fffffff;

constexpr uint32_t kSenseLess = 1u << 1, kSenseGreater = 1u << 2, kSenseEqual = 1u << 3,
                   kSensePrereq = 1u << 6, kSenseScriptPre = 1u << 9, kSenseRpmlib = 1u << 24;
constexpr uint64_t kFileConfig = 1;

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

size_t type_size(uint32_t type) {
  switch (type) {
    case kChar:
    case kInt8:
    case kBin:
      return 1;
    case kInt16:
      return 2;
    case kInt32:
      return 4;
    case kInt64:
      return 8;
    default:
      return 0;
  }
}

std::string constraint_text(uint64_t flags, const std::string& version) {
  if (version.empty()) return "";
  std::string op;
  if (flags & kSenseLess) op += '<';
  if (flags & kSenseGreater) op += '>';
  if (flags & kSenseEqual) op += '=';
  if (op.empty()) return "";
  return op + " " + version;
}

}  // namespace

RpmHeader RpmHeader::parse(std::string_view blob, std::string where) {
  RpmHeader h;
  h.where_ = std::move(where);
  const auto* bytes = reinterpret_cast<const unsigned char*>(blob.data());
  size_t start = 0;
  if (blob.size() >= 8 && bytes[0] == 0x8e && bytes[1] == 0xad && bytes[2] == 0xe8 &&
      bytes[3] == 0x01) {
    start = 8;
  }
  if (blob.size() < start + 8) {
    fail("{}: rpm header of {} bytes is shorter than its 8-byte preamble", h.where_, blob.size());
  }
  uint32_t il = be32(bytes + start);
  uint32_t dl = be32(bytes + start + 4);
  if (il > kMaxEntries) {
    fail("{}: offset {}: rpm header claims {} index entries (limit {})", h.where_, start, il,
         kMaxEntries);
  }
  if (dl > kMaxData) {
    fail("{}: offset {}: rpm header claims {} bytes of data (limit {})", h.where_, start + 4, dl,
         kMaxData);
  }
  uint64_t index_start = start + 8;
  uint64_t need = index_start + uint64_t{il} * 16 + dl;
  if (need > blob.size()) {
    fail("{}: rpm header needs {} bytes ({} entries, {} data bytes) but has {}", h.where_, need, il,
         dl, blob.size());
  }
  h.data_start_ = index_start + size_t{il} * 16;
  h.data_.assign(blob.substr(h.data_start_, dl));
  h.entries_.reserve(il);
  std::vector<uint32_t> nuls;
  for (size_t pos = h.data_.find('\0'); pos != std::string::npos;
       pos = h.data_.find('\0', pos + 1)) {
    nuls.push_back(static_cast<uint32_t>(pos));
  }
  for (uint32_t i = 0; i < il; ++i) {
    const unsigned char* e = bytes + index_start + size_t{i} * 16;
    Entry entry{be32(e), be32(e + 4), be32(e + 8), be32(e + 12), i};
    size_t at = index_start + size_t{i} * 16;
    if (entry.type > kI18nString) {
      fail("{}: offset {}: index entry {} (tag {}) has unknown type {}", h.where_, at, i, entry.tag,
           entry.type);
    }
    if (entry.offset > dl) {
      fail(
          "{}: offset {}: index entry {} (tag {}) points at data offset {} past the {} data "
          "bytes",
          h.where_, at, i, entry.tag, entry.offset, dl);
    }
    size_t avail = dl - entry.offset;
    if (size_t size = type_size(entry.type); size != 0) {
      if (uint64_t{entry.count} * size > avail) {
        fail(
            "{}: offset {}: index entry {} (tag {}) has {} elements of {} bytes at data "
            "offset {}, past the end of the data",
            h.where_, at, i, entry.tag, entry.count, size, entry.offset);
      }
    } else if (entry.type == kString || entry.type == kStringArray || entry.type == kI18nString) {
      if (entry.type == kString && entry.count != 1) {
        fail("{}: offset {}: index entry {} (tag {}) is a STRING with count {}", h.where_, at, i,
             entry.tag, entry.count);
      }
      if (entry.count > avail) {
        fail("{}: offset {}: index entry {} (tag {}) claims {} strings in {} bytes", h.where_, at,
             i, entry.tag, entry.count, avail);
      }
      // Every string needs its NUL inside the data store: the strings are consecutive, so
      // the k-th one ends at the k-th NUL from the entry's offset. Looking that up in the
      // list of NUL positions keeps hostile headers (many entries over the same bytes)
      // linear.
      auto first = std::lower_bound(nuls.begin(), nuls.end(), entry.offset);
      size_t left = static_cast<size_t>(nuls.end() - first);
      if (entry.count > left) {
        size_t end = left == 0 ? entry.offset : nuls.back() + 1;
        fail("{}: offset {}: string {} of tag {} has no terminating NUL", h.where_,
             h.data_start_ + end, left, entry.tag);
      }
    }
    h.entries_.push_back(entry);
  }
  // First entry wins for a repeated tag (stable sort keeps index order).
  std::stable_sort(h.entries_.begin(), h.entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.tag < b.tag; });
  return h;
}

const RpmHeader::Entry* RpmHeader::find(uint32_t tag) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), tag,
                             [](const Entry& e, uint32_t t) { return e.tag < t; });
  if (it == entries_.end() || it->tag != tag) return nullptr;
  return &*it;
}

void RpmHeader::type_error(const Entry& e, std::string_view wanted) const {
  fail("{}: index entry {} (tag {}) has type {}, expected {}", where_, e.index, e.tag, e.type,
       wanted);
}

std::string RpmHeader::string(uint32_t tag) const {
  auto all = strings(tag);
  return all.empty() ? std::string() : all.front();
}

std::vector<std::string> RpmHeader::strings(uint32_t tag) const {
  std::vector<std::string> out;
  const Entry* e = find(tag);
  if (e == nullptr) return out;
  if (e->type != kString && e->type != kStringArray && e->type != kI18nString) {
    type_error(*e, "a string");
  }
  out.reserve(e->count);
  size_t pos = e->offset;
  for (uint32_t k = 0; k < e->count; ++k) {
    size_t nul = data_.find('\0', pos);  // found: checked in parse()
    out.emplace_back(data_, pos, nul - pos);
    pos = nul + 1;
  }
  return out;
}

std::vector<uint64_t> RpmHeader::numbers(uint32_t tag) const {
  std::vector<uint64_t> out;
  const Entry* e = find(tag);
  if (e == nullptr) return out;
  size_t size = e->type == kBin ? 0 : type_size(e->type);
  if (size == 0) type_error(*e, "an integer");
  out.reserve(e->count);
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data()) + e->offset;
  for (uint32_t k = 0; k < e->count; ++k, p += size) {
    uint64_t v = 0;
    for (size_t b = 0; b < size; ++b)
      v = (v << 8) | p[b];
    out.push_back(v);
  }
  return out;
}

std::string rpm_source_name(std::string_view source_rpm) {
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (source_rpm.ends_with(suffix)) {
      source_rpm.remove_suffix(suffix.size());
      size_t release = source_rpm.rfind('-');
      if (release == std::string_view::npos || release == 0) return "";
      size_t version = source_rpm.rfind('-', release - 1);
      if (version == std::string_view::npos || version == 0) return "";
      return std::string(source_rpm.substr(0, version));
    }
  }
  return "";
}

Package package_from_rpm_header(const RpmHeader& h) {
  using namespace rpmtag;
  Package p;
  p.origin = h.where();
  p.name = h.string(kName);
  if (p.name.empty()) fail("{}: rpm header without a NAME", h.where());
  auto epoch = h.numbers(kEpoch);
  std::string version = h.string(kVersion);
  std::string release = h.string(kRelease);
  p.version = version;
  if (!release.empty()) p.version += "-" + release;
  if (!epoch.empty()) p.version = fmt::format("{}:{}", epoch.front(), p.version);
  p.architecture = h.string(kArch);
  p.nevra = p.name + "-" + p.version;
  if (!p.architecture.empty()) p.nevra += "." + p.architecture;
  p.source = rpm_source_name(h.string(kSourceRpm));
  if (p.source.empty()) p.source = p.name;
  if (auto size = h.numbers(kSize); !size.empty()) p.installed_size = size.front();

  auto deps = [&](uint32_t name_tag, uint32_t flags_tag, uint32_t version_tag,
                  std::string_view what) {
    auto names = h.strings(name_tag);
    auto flags = h.numbers(flags_tag);
    auto versions = h.strings(version_tag);
    if ((!flags.empty() && flags.size() != names.size()) ||
        (!versions.empty() && versions.size() != names.size())) {
      fail("{}: {} has {} names, {} flags and {} versions", h.where(), what, names.size(),
           flags.size(), versions.size());
    }
    struct Dep {
      Dependency dep;
      uint64_t flags;
    };
    std::vector<Dep> out;
    for (size_t i = 0; i < names.size(); ++i) {
      uint64_t f = flags.empty() ? 0 : flags[i];
      std::string v = versions.empty() ? std::string() : versions[i];
      out.push_back({Dependency{names[i], "", constraint_text(f, v)}, f});
    }
    return out;
  };
  for (auto& [dep, flags] :
       deps(kRequireName, kRequireFlags, kRequireVersion, "the Requires list")) {
    if (flags & kSenseRpmlib) continue;
    auto& list = (flags & (kSensePrereq | kSenseScriptPre)) ? p.pre_depends : p.depends;
    list.push_back({dep});
  }
  for (auto& [dep, flags] :
       deps(kProvideName, kProvideFlags, kProvideVersion, "the Provides list")) {
    p.provides.push_back(dep);
  }

  if (h.has(kBaseNames)) {
    auto base = h.strings(kBaseNames);
    auto dirs = h.strings(kDirNames);
    auto index = h.numbers(kDirIndexes);
    if (index.size() != base.size()) {
      fail("{}: {} BASENAMES but {} DIRINDEXES", h.where(), base.size(), index.size());
    }
    p.files.reserve(base.size());
    for (size_t i = 0; i < base.size(); ++i) {
      if (index[i] >= dirs.size()) {
        fail("{}: file {} ({}) has directory index {} but there are {} DIRNAMES", h.where(), i,
             base[i], index[i], dirs.size());
      }
      p.files.push_back(strip_leading_slashes(dirs[index[i]] + base[i]));
    }
  } else {
    for (auto& f : h.strings(kOldFilenames))
      p.files.push_back(strip_leading_slashes(f));
  }
  auto file_flags = h.numbers(kFileFlags);
  if (!file_flags.empty() && file_flags.size() != p.files.size()) {
    fail("{}: {} files but {} FILEFLAGS", h.where(), p.files.size(), file_flags.size());
  }
  for (size_t i = 0; i < file_flags.size(); ++i) {
    if (file_flags[i] & kFileConfig) p.conffiles.push_back(p.files[i]);
  }
  return p;
}

}  // namespace imgstrip
