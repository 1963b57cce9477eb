// rpm's database of installed packages: the sqlite rpmdb.sqlite of current Fedora/RHEL
// (rpm >= 4.16) or the Berkeley DB hash file Packages of older ones (CentOS 7/8), under
// usr/lib/sysimage/rpm or var/lib/rpm. Both hold one header blob per package.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rootfs.h"
#include "pkgdb/package.h"

namespace imgstrip {

// The database file the image has (e.g. "var/lib/rpm/rpmdb.sqlite"), or nullopt.
std::optional<std::string> find_rpm_db(const RootFs& root);

// Reads every package from the image's rpm database; empty when there is none.
std::vector<Package> read_rpm(const RootFs& root);

// The packages in an rpmdb.sqlite given as bytes; `where` names it in messages. `wal`
// is the write-ahead log beside it (rpmdb.sqlite-wal) when the image has a non-empty one.
std::vector<Package> read_rpm_sqlite(std::string_view db, std::string_view where,
                                     std::optional<std::string_view> wal = std::nullopt);

// A copy of the rpmdb.sqlite `db` (its write-ahead log `wal` merged in) that lists only the
// packages whose header numbers are in `keep`: the other rows of Packages and of every
// index table (Name, Basenames, Providename, Requirename, Dirnames, ...) are deleted and
// the file vacuumed, so freed pages do not carry the removed headers along.
std::string trim_rpm_sqlite(std::string_view db, std::optional<std::string_view> wal,
                            const std::vector<uint64_t>& keep, std::string_view where);

// The packages in a Berkeley DB Packages file given as bytes.
std::vector<Package> read_rpm_bdb(std::string_view db, std::string_view where);

}  // namespace imgstrip
