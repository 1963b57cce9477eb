// rpm's header blob, the record rpm stores per installed package (in every database
// backend) and at the start of each .rpm: a count of index entries and the size of the
// data store, then 16-byte index entries {tag, type, offset, count}, big-endian, then the
// data store. Parsing validates every entry against the buffer, so the accessors are
// safe on any input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pkgdb/package.h"

namespace imgstrip {

namespace rpmtag {
inline constexpr uint32_t kName = 1000, kVersion = 1001, kRelease = 1002, kEpoch = 1003,
                          kSize = 1009, kOldFilenames = 1027, kFileFlags = 1037, kArch = 1022,
                          kSourceRpm = 1044, kProvideName = 1047, kRequireFlags = 1048,
                          kRequireName = 1049, kRequireVersion = 1050, kProvideFlags = 1112,
                          kProvideVersion = 1113, kDirIndexes = 1116, kBaseNames = 1117,
                          kDirNames = 1118;
}  // namespace rpmtag

class RpmHeader {
 public:
  // `blob` is the header without the 8-byte magic of .rpm files (as stored in rpmdb), or
  // with it (magic 8e ad e8 01, 4 reserved bytes). `where` names it in errors
  // ("var/lib/rpm/rpmdb.sqlite: hnum 3"); offsets in errors are from the start of `blob`.
  static RpmHeader parse(std::string_view blob, std::string where);

  bool has(uint32_t tag) const { return find(tag) != nullptr; }
  // STRING, or the first element of STRING_ARRAY / I18NSTRING; empty when absent.
  std::string string(uint32_t tag) const;
  // The elements of a STRING_ARRAY or I18NSTRING (a STRING is one element).
  std::vector<std::string> strings(uint32_t tag) const;
  // The elements of an INT8/16/32/64 or CHAR entry.
  std::vector<uint64_t> numbers(uint32_t tag) const;
  const std::string& where() const { return where_; }

 private:
  struct Entry {
    uint32_t tag, type, offset, count;
    size_t index;
  };
  const Entry* find(uint32_t tag) const;
  [[noreturn]] void type_error(const Entry& e, std::string_view wanted) const;

  std::string where_;
  std::string data_;            // the data store
  size_t data_start_ = 0;       // offset of the data store in the blob, for messages
  std::vector<Entry> entries_;  // sorted by tag
};

// The package a header describes. Requires with RPMSENSE_RPMLIB (rpmlib(...) features of
// rpm itself) are left out; Requires(pre) and legacy PreReq become pre_depends.
Package package_from_rpm_header(const RpmHeader& header);

// "nginx-1.20.1-10.el9.src.rpm" -> "nginx"; "" when it is not of that form.
std::string rpm_source_name(std::string_view source_rpm);

}  // namespace imgstrip
