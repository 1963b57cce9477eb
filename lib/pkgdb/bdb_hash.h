// Reads the records of a Berkeley DB hash database (format versions 8-10, as written by
// BDB 4.x-5.x), the format of rpm's older var/lib/rpm/Packages (CentOS 7/8, RHEL 7/8).
// Only what rpm uses is supported: plain and overflow items, no duplicates, no encryption.
// Works on the file's bytes; every page read is bounds- and type-checked.
#pragma once

#include <functional>
#include <string_view>

namespace imgstrip {

struct BdbRecord {
  std::string_view key;
  std::string_view value;
  bool big_endian = false;  // the file's byte order, for interpreting integer keys
};

// Calls `visit` for every key/value pair, bucket by bucket. The views are valid during the
// call only. Throws Error naming `where` and the page on malformed input.
void read_bdb_hash(std::string_view file, std::string_view where,
                   const std::function<void(const BdbRecord&)>& visit);

}  // namespace imgstrip
