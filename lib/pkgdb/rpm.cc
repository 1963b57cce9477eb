#include "pkgdb/rpm.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "core/error.h"
#include "core/stream.h"
#include "core/tempdir.h"
#include "pkgdb/bdb_hash.h"
#include "pkgdb/rpm_header.h"

namespace imgstrip {
namespace {

constexpr size_t kDbLimit = size_t{1} << 30;
constexpr std::string_view kDbDirs[] = {"usr/lib/sysimage/rpm", "var/lib/rpm"};

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementCloser {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};

// A file: URI for sqlite3_open_v2 (characters with a meaning in URIs escaped).
std::string file_uri(const std::string& path, bool immutable) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      uri += c;
    }
  }
  uri += immutable ? "?mode=ro&immutable=1" : "?mode=ro";
  return uri;
}

}  // namespace

std::optional<std::string> find_rpm_db(const RootFs& root) {
  for (auto dir : kDbDirs) {
    for (auto name : {"rpmdb.sqlite", "Packages"}) {
      std::string path = fmt::format("{}/{}", dir, name);
      if (root.resolve(path)) return path;
    }
  }
  return std::nullopt;
}

std::vector<Package> read_rpm(const RootFs& root) {
  auto path = find_rpm_db(root);
  if (!path) return {};
  auto bytes = root.read(*path, kDbLimit);
  if (!bytes) fail("{}: not a regular file", *path);
  if (path->ends_with(".sqlite")) {
    auto wal = root.read(*path + "-wal", kDbLimit);
    if (wal && !wal->empty()) return read_rpm_sqlite(*bytes, *path, *wal);
    return read_rpm_sqlite(*bytes, *path);
  }
  return read_rpm_bdb(*bytes, *path);
}

std::vector<Package> read_rpm_sqlite(std::string_view db_bytes, std::string_view where,
                                     std::optional<std::string_view> wal) {
  // sqlite reads files, not buffers: stage a private copy.
  TempDir dir("imgstrip-rpmdb");
  auto file = dir.path() / "rpmdb.sqlite";
  write_file_atomic(file, db_bytes);
  if (wal) write_file_atomic(dir.path() / "rpmdb.sqlite-wal", *wal);

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file_uri(file.string(), !wal).c_str(), &raw,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  if (rc != SQLITE_OK) {
    fail("{}: cannot open as sqlite: {}", where, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  }
  sqlite3_stmt* raw_st = nullptr;
  rc = sqlite3_prepare_v2(db.get(), "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &raw_st,
                          nullptr);
  std::unique_ptr<sqlite3_stmt, StatementCloser> st(raw_st);
  if (rc != SQLITE_OK) {
    fail("{}: not an rpm database (reading its Packages table: {})", where,
         sqlite3_errmsg(db.get()));
  }
  std::vector<Package> packages;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    int64_t hnum = sqlite3_column_int64(st.get(), 0);
    std::string at = fmt::format("{}: hnum {}", where, hnum);
    if (sqlite3_column_type(st.get(), 1) != SQLITE_BLOB) fail("{}: header is not a blob", at);
    const void* data = sqlite3_column_blob(st.get(), 1);
    int size = sqlite3_column_bytes(st.get(), 1);
    std::string_view blob(static_cast<const char*>(data), data ? static_cast<size_t>(size) : 0);
    packages.push_back(package_from_rpm_header(RpmHeader::parse(blob, at)));
  }
  if (rc != SQLITE_DONE) fail("{}: reading Packages: {}", where, sqlite3_errmsg(db.get()));
  return packages;
}

std::vector<Package> read_rpm_bdb(std::string_view db, std::string_view where) {
  std::vector<std::pair<uint32_t, Package>> numbered;
  read_bdb_hash(db, where, [&](const BdbRecord& r) {
    if (r.key.size() != 4) fail("{}: record with a {}-byte key, expected 4", where, r.key.size());
    const auto* k = reinterpret_cast<const unsigned char*>(r.key.data());
    uint32_t hnum =
        r.big_endian ? (uint32_t{k[0]} << 24 | uint32_t{k[1]} << 16 | uint32_t{k[2]} << 8 | k[3])
                     : (uint32_t{k[3]} << 24 | uint32_t{k[2]} << 16 | uint32_t{k[1]} << 8 | k[0]);
    if (hnum == 0) return;  // rpm's record of the next free header number, not a header
    std::string at = fmt::format("{}: header {}", where, hnum);
    numbered.emplace_back(hnum, package_from_rpm_header(RpmHeader::parse(r.value, at)));
  });
  // Hash order is arbitrary; rpm lists by header number.
  std::stable_sort(numbered.begin(), numbered.end(),
                   [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<Package> packages;
  packages.reserve(numbered.size());
  for (auto& [hnum, p] : numbered)
    packages.push_back(std::move(p));
  return packages;
}

}  // namespace imgstrip
