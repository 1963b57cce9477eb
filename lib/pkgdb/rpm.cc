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
std::string file_uri(const std::string& path, bool immutable, bool read_only = true) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      uri += c;
    }
  }
  if (read_only) uri += immutable ? "?mode=ro&immutable=1" : "?mode=ro";
  return uri;
}

// Runs `sql` (no rows expected); fails naming `where`.
void exec(sqlite3* db, const std::string& sql, std::string_view where) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    fail("{}: {}: {}", where, sql, text);
  }
}

using Statement = std::unique_ptr<sqlite3_stmt, StatementCloser>;

Statement prepare(sqlite3* db, const std::string& sql, std::string_view where) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    fail("{}: {}: {}", where, sql, sqlite3_errmsg(db));
  }
  return Statement(raw);
}

// "name" as an SQL identifier.
std::string sql_name(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
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
    packages.back().hnum = static_cast<uint64_t>(hnum);
  }
  if (rc != SQLITE_DONE) fail("{}: reading Packages: {}", where, sqlite3_errmsg(db.get()));
  return packages;
}

std::string trim_rpm_sqlite(std::string_view db_bytes, std::optional<std::string_view> wal,
                            const std::vector<uint64_t>& keep, std::string_view where) {
  TempDir dir("imgstrip-rpmdb");
  auto file = dir.path() / "rpmdb.sqlite";
  write_file_atomic(file, db_bytes);
  if (wal) write_file_atomic(dir.path() / "rpmdb.sqlite-wal", *wal);
  {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(file_uri(file.string(), false, false).c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, nullptr);
    std::unique_ptr<sqlite3, SqliteCloser> db(raw);
    if (rc != SQLITE_OK) {
      fail("{}: cannot open as sqlite: {}", where, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    }
    exec(db.get(), "BEGIN", where);
    exec(db.get(), "CREATE TEMP TABLE kept (hnum INTEGER PRIMARY KEY)", where);
    {
      Statement insert = prepare(db.get(), "INSERT OR IGNORE INTO temp.kept VALUES (?)", where);
      for (uint64_t hnum : keep) {
        sqlite3_bind_int64(insert.get(), 1, static_cast<sqlite3_int64>(hnum));
        if (sqlite3_step(insert.get()) != SQLITE_DONE) {
          fail("{}: recording kept headers: {}", where, sqlite3_errmsg(db.get()));
        }
        sqlite3_reset(insert.get());
      }
    }
    // Every table with an hnum column: Packages and rpm's index tables, whichever this
    // rpm version has.
    std::vector<std::string> tables;
    {
      Statement list = prepare(db.get(),
                               "SELECT m.name FROM main.sqlite_master AS m WHERE m.type = 'table' "
                               "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) AS c "
                               "WHERE c.name = 'hnum')",
                               where);
      while ((rc = sqlite3_step(list.get())) == SQLITE_ROW) {
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)));
      }
      if (rc != SQLITE_DONE) fail("{}: listing tables: {}", where, sqlite3_errmsg(db.get()));
    }
    if (std::find(tables.begin(), tables.end(), "Packages") == tables.end()) {
      fail("{}: not an rpm database (no Packages table)", where);
    }
    for (auto& table : tables) {
      exec(db.get(),
           fmt::format("DELETE FROM main.{} WHERE hnum NOT IN (SELECT hnum FROM temp.kept)",
                       sql_name(table)),
           where);
    }
    exec(db.get(), "COMMIT", where);
    exec(db.get(), "VACUUM", where);
    exec(db.get(), "PRAGMA wal_checkpoint(TRUNCATE)", where);
  }
  return read_file(file, kDbLimit);
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
  for (auto& [hnum, p] : numbered) {
    p.hnum = hnum;
    packages.push_back(std::move(p));
  }
  return packages;
}

}  // namespace imgstrip
