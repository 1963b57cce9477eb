#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>

#include "core/error.h"
#include "pkgdb/bdb_hash.h"
#include "pkgdb/database.h"
#include "pkgdb/rpm.h"
#include "pkgdb/rpm_header.h"
#include "unit/pkgdb/helpers.h"

namespace imgstrip {
namespace {

// Builds header blobs as rpm stores them in its database.
class HeaderBuilder {
 public:
  void raw(uint32_t tag, uint32_t type, uint32_t offset, uint32_t count) {
    index_.push_back({tag, type, offset, count});
  }
  void string(uint32_t tag, const std::string& s) { strings(tag, {s}, 6); }
  void strings(uint32_t tag, const std::vector<std::string>& list, uint32_t type = 8) {
    uint32_t offset = static_cast<uint32_t>(data_.size());
    for (auto& s : list) {
      data_ += s;
      data_ += '\0';
    }
    raw(tag, type, offset, static_cast<uint32_t>(list.size()));
  }
  void int32s(uint32_t tag, const std::vector<uint32_t>& list) {
    while (data_.size() % 4 != 0)
      data_ += '\0';
    uint32_t offset = static_cast<uint32_t>(data_.size());
    for (uint32_t v : list)
      append32(data_, v);
    raw(tag, 4, offset, static_cast<uint32_t>(list.size()));
  }
  void data(const std::string& bytes) { data_ += bytes; }
  std::string blob(bool magic = false) const {
    std::string out;
    if (magic) out = std::string("\x8e\xad\xe8\x01\0\0\0\0", 8);
    append32(out, static_cast<uint32_t>(index_.size()));
    append32(out, static_cast<uint32_t>(data_.size()));
    for (auto& e : index_) {
      append32(out, e[0]);
      append32(out, e[1]);
      append32(out, e[2]);
      append32(out, e[3]);
    }
    return out + data_;
  }
  static void append32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out += static_cast<char>((v >> shift) & 0xff);
  }

 private:
  std::vector<std::array<uint32_t, 4>> index_;
  std::string data_;
};

HeaderBuilder sample() {
  using namespace rpmtag;
  HeaderBuilder b;
  b.string(kName, "bash");
  b.string(kVersion, "5.1.8");
  b.string(kRelease, "9.el9");
  b.int32s(kEpoch, {1});
  b.string(kArch, "x86_64");
  b.string(kSourceRpm, "bash-5.1.8-9.el9.src.rpm");
  b.int32s(kSize, {7738634});
  b.strings(kRequireName,
            {"/bin/sh", "libc.so.6()(64bit)", "glibc", "rpmlib(CompressedFileNames)"});
  b.int32s(kRequireFlags, {1u << 9, 1u << 14, (1u << 2) | (1u << 3), (1u << 24) | (1u << 3)});
  b.strings(kRequireVersion, {"", "", "2.34", "3.0.4-1"});
  b.strings(kProvideName, {"/bin/bash", "bash", "bash(x86-64)"});
  b.int32s(kProvideFlags, {0, 8, 8});
  b.strings(kProvideVersion, {"", "1:5.1.8-9.el9", "1:5.1.8-9.el9"});
  b.strings(kBaseNames, {"bashrc", "bash", "sh"});
  b.int32s(kDirIndexes, {0, 1, 1});
  b.strings(kDirNames, {"/etc/", "/usr/bin/"});
  b.int32s(kFileFlags, {1 | 16, 0, 0});
  return b;
}

}  // namespace

TEST_CASE("rpm header: a package from a hand-built header") {
  for (bool magic : {false, true}) {
    Package p = package_from_rpm_header(RpmHeader::parse(sample().blob(magic), "blob"));
    CHECK(p.name == "bash");
    CHECK(p.version == "1:5.1.8-9.el9");
    CHECK(p.nevra == "bash-1:5.1.8-9.el9.x86_64");
    CHECK(p.architecture == "x86_64");
    CHECK(p.source == "bash");
    CHECK(p.installed_size == 7738634);
    CHECK(p.pre_depends == std::vector<Alternatives>{{{"/bin/sh", "", ""}}});
    CHECK(p.depends ==
          std::vector<Alternatives>{{{"libc.so.6()(64bit)", "", ""}}, {{"glibc", "", ">= 2.34"}}});
    CHECK(p.provides == std::vector<Dependency>{{"/bin/bash", "", ""},
                                                {"bash", "", "= 1:5.1.8-9.el9"},
                                                {"bash(x86-64)", "", "= 1:5.1.8-9.el9"}});
    CHECK(p.files == std::vector<std::string>{"etc/bashrc", "usr/bin/bash", "usr/bin/sh"});
    CHECK(p.conffiles == std::vector<std::string>{"etc/bashrc"});
  }
}

TEST_CASE("rpm header: accessors and source names") {
  auto h = RpmHeader::parse(sample().blob(), "blob");
  CHECK(h.numbers(rpmtag::kDirIndexes) == std::vector<uint64_t>{0, 1, 1});
  CHECK(h.strings(rpmtag::kDirNames) == std::vector<std::string>{"/etc/", "/usr/bin/"});
  CHECK(h.string(rpmtag::kBaseNames) == "bashrc");
  CHECK(h.string(12345).empty());
  CHECK_THROWS_WITH(h.numbers(rpmtag::kName),
                    "blob: index entry 0 (tag 1000) has type 6, expected an integer");
  CHECK_THROWS_WITH(h.strings(rpmtag::kEpoch),
                    "blob: index entry 3 (tag 1003) has type 4, expected a string");
  CHECK(rpm_source_name("nginx-1.20.1-10.el9.src.rpm") == "nginx");
  CHECK(rpm_source_name("python-foo-bar-1-2.nosrc.rpm") == "python-foo-bar");
  CHECK(rpm_source_name("x-1.src.rpm").empty());
  CHECK(rpm_source_name("").empty());
}

TEST_CASE("rpm header: hostile blobs fail with the offset, never read out of bounds") {
  using namespace rpmtag;
  CHECK_THROWS_WITH(RpmHeader::parse("", "blob"),
                    "blob: rpm header of 0 bytes is shorter than its 8-byte preamble");
  std::string huge;
  HeaderBuilder::append32(huge, 0x80000000u);
  HeaderBuilder::append32(huge, 0);
  CHECK_THROWS_WITH(RpmHeader::parse(huge, "blob"),
                    "blob: offset 0: rpm header claims 2147483648 index entries (limit 65535)");
  std::string big_data;
  HeaderBuilder::append32(big_data, 1);
  HeaderBuilder::append32(big_data, 0xffffffffu);
  CHECK_THROWS_WITH(RpmHeader::parse(big_data, "blob"),
                    "blob: offset 4: rpm header claims 4294967295 bytes of data (limit 268435455)");
  std::string truncated = sample().blob();
  truncated.pop_back();
  CHECK_THROWS_AS(RpmHeader::parse(truncated, "blob"), Error);

  HeaderBuilder past;
  past.data("abc");
  past.raw(kName, 6, 10, 1);
  CHECK_THROWS_WITH(RpmHeader::parse(past.blob(), "blob"),
                    "blob: offset 8: index entry 0 (tag 1000) points at data offset 10 past the "
                    "3 data bytes");
  HeaderBuilder no_nul;
  no_nul.data("bash");
  no_nul.raw(kName, 6, 0, 1);
  CHECK_THROWS_WITH(RpmHeader::parse(no_nul.blob(), "blob"),
                    "blob: offset 24: string 0 of tag 1000 has no terminating NUL");
  HeaderBuilder many;
  many.data(std::string("a\0b\0", 4));
  many.raw(kBaseNames, 8, 0, 0x7fffffff);
  CHECK_THROWS_WITH(
      RpmHeader::parse(many.blob(), "blob"),
      "blob: offset 8: index entry 0 (tag 1117) claims 2147483647 strings in 4 bytes");
  HeaderBuilder ints;
  ints.data(std::string(8, '\0'));
  ints.raw(kDirIndexes, 4, 4, 0x40000000);
  CHECK_THROWS_WITH(RpmHeader::parse(ints.blob(), "blob"),
                    "blob: offset 8: index entry 0 (tag 1116) has 1073741824 elements of 4 bytes "
                    "at data offset 4, past the end of the data");
  HeaderBuilder type;
  type.data("x");
  type.raw(kName, 42, 0, 1);
  CHECK_THROWS_WITH(RpmHeader::parse(type.blob(), "blob"),
                    "blob: offset 8: index entry 0 (tag 1000) has unknown type 42");
  HeaderBuilder string_count;
  string_count.data(std::string("a\0b\0", 4));
  string_count.raw(kName, 6, 0, 2);
  CHECK_THROWS_WITH(RpmHeader::parse(string_count.blob(), "blob"),
                    "blob: offset 8: index entry 0 (tag 1000) is a STRING with count 2");
}

TEST_CASE("rpm header: inconsistent packages") {
  using namespace rpmtag;
  HeaderBuilder nameless;
  nameless.string(kVersion, "1");
  CHECK_THROWS_WITH(package_from_rpm_header(RpmHeader::parse(nameless.blob(), "blob")),
                    "blob: rpm header without a NAME");
  HeaderBuilder dir;
  dir.string(kName, "x");
  dir.strings(kBaseNames, {"a"});
  dir.int32s(kDirIndexes, {7});
  dir.strings(kDirNames, {"/"});
  CHECK_THROWS_WITH(package_from_rpm_header(RpmHeader::parse(dir.blob(), "blob")),
                    "blob: file 0 (a) has directory index 7 but there are 1 DIRNAMES");
  HeaderBuilder counts;
  counts.string(kName, "x");
  counts.strings(kBaseNames, {"a", "b"});
  counts.int32s(kDirIndexes, {0});
  CHECK_THROWS_WITH(package_from_rpm_header(RpmHeader::parse(counts.blob(), "blob")),
                    "blob: 2 BASENAMES but 1 DIRINDEXES");
  HeaderBuilder deps;
  deps.string(kName, "x");
  deps.strings(kRequireName, {"a", "b"});
  deps.int32s(kRequireFlags, {0});
  CHECK_THROWS_WITH(package_from_rpm_header(RpmHeader::parse(deps.blob(), "blob")),
                    "blob: the Requires list has 2 names, 1 flags and 0 versions");
  HeaderBuilder flags;
  flags.string(kName, "x");
  flags.strings(kOldFilenames, {"/etc/a"});
  flags.int32s(kFileFlags, {1, 1});
  CHECK_THROWS_WITH(package_from_rpm_header(RpmHeader::parse(flags.blob(), "blob")),
                    "blob: 1 files but 2 FILEFLAGS");
}

namespace {

std::filesystem::path rpm_roots() {
  return test::fixture("make-rpm-root.sh", "rpm-roots-v3");
}

const Package& named(const PackageDb& db, const std::string& name) {
  const Package* p = db.find(name);
  if (p == nullptr) throw std::runtime_error("no package " + name);
  return *p;
}

}  // namespace

TEST_CASE("rpm sqlite database made by rpm", "[rpm]") {
  DirRootFs root(rpm_roots() / "sqlite");
  CHECK(detect_package_dbs(root) == std::vector<DbKind>{DbKind::rpm});
  CHECK(find_rpm_db(root) == "var/lib/rpm/rpmdb.sqlite");
  auto db = open_package_db(root);
  REQUIRE(db);
  CHECK(db->kind() == DbKind::rpm);
  REQUIRE(db->packages().size() == 3);

  const Package& hello = named(*db, "hello");
  CHECK(hello.version == "2:1.0-3");
  CHECK(hello.nevra == "hello-2:1.0-3.x86_64");
  CHECK(hello.architecture == "x86_64");
  CHECK(hello.source == "hello");
  CHECK(hello.origin.starts_with("var/lib/rpm/rpmdb.sqlite: hnum "));
  CHECK(hello.files ==
        std::vector<std::string>{"etc/hello", "etc/hello/hello.conf", "usr/bin/hello"});
  CHECK(hello.conffiles == std::vector<std::string>{"etc/hello/hello.conf"});
  CHECK(std::find(hello.depends.begin(), hello.depends.end(),
                  Alternatives{{"libgreet", "", ">= 0.5"}}) != hello.depends.end());
  CHECK(std::find(hello.depends.begin(), hello.depends.end(), Alternatives{{"/bin/sh", "", ""}}) !=
        hello.depends.end());
  CHECK(hello.pre_depends == std::vector<Alternatives>{{{"shadow-utils", "", ""}}});
  for (auto& group : hello.depends)
    CHECK(!group[0].name.starts_with("rpmlib("));
  CHECK(std::find(hello.provides.begin(), hello.provides.end(),
                  Dependency{"greeting", "", "= 1.0"}) != hello.provides.end());
  CHECK(hello.installed_size > 0);

  const Package& doc = named(*db, "hello-doc");
  CHECK(doc.source == "hello");  // a subpackage: built from hello-1.0-3.src.rpm
  CHECK(doc.architecture == "noarch");
  CHECK(db->by_source("hello").size() == 2);

  // Short names, NEVRA and its variants, virtual names and file requirements.
  const Package* h = &hello;
  CHECK(db->find("hello-2:1.0-3.x86_64") == h);
  CHECK(db->find("hello-1.0-3.x86_64") == h);  // as rpm -qa prints it, without the epoch
  CHECK(db->find("hello-1.0-3") == h);
  CHECK(db->find("hello-2:1.0-3") == h);
  CHECK(db->find("hello-1.0") == h);
  CHECK(db->find("hello.x86_64") == h);
  CHECK(db->find("webserver") == h);
  CHECK(db->find("libgreet.so.1()(64bit)") == &named(*db, "libgreet"));
  CHECK(db->find("libgreet-0.9-1.fc40.x86_64") == &named(*db, "libgreet"));
  CHECK(db->find("/usr/bin/hello") == h);
  CHECK(db->owner_of("usr/lib64/libgreet.so.1")->name == "libgreet");
  CHECK(db->owner_of("etc/hello") == h);
}

TEST_CASE("rpm BerkeleyDB Packages files read like the sqlite original", "[rpm]") {
  DirRootFs sqlite(rpm_roots() / "sqlite");
  auto expected = read_rpm(sqlite);
  for (auto variant : {"bdb", "bdb512", "bdbchain", "bdbmany", "bdbchk"}) {
    INFO(variant);
    DirRootFs root(rpm_roots() / variant);
    CHECK(find_rpm_db(root) == "var/lib/rpm/Packages");
    auto got = read_rpm(root);
    size_t copies =
        std::string_view(variant).starts_with("bdbmany") || std::string_view(variant) == "bdbchain"
            ? 200
            : 1;
    REQUIRE(got.size() == expected.size() * copies);
    for (size_t i = 0; i < got.size(); ++i) {
      const Package& a = got[i];
      const Package& b = expected[i % expected.size()];
      CHECK(a.nevra == b.nevra);
      CHECK(a.files == b.files);
      CHECK(a.conffiles == b.conffiles);
      CHECK(a.depends == b.depends);
      CHECK(a.pre_depends == b.pre_depends);
      CHECK(a.provides == b.provides);
      CHECK(a.source == b.source);
    }
    CHECK(got[0].origin == "var/lib/rpm/Packages: header 1");
  }
}

TEST_CASE("rpm databases: garbage fails with the file name", "[rpm]") {
  CHECK_THROWS_WITH(read_rpm_bdb(std::string(4096, 'x'), "var/lib/rpm/Packages"),
                    Catch::Matchers::StartsWith("var/lib/rpm/Packages: offset 12: not a Berkeley "
                                                "DB hash database"));
  CHECK_THROWS_WITH(read_rpm_bdb("short", "P"), "P: 5 bytes is too short for a Berkeley DB file");
  CHECK_THROWS_WITH(read_rpm_sqlite(std::string(8192, 'x'), "var/lib/rpm/rpmdb.sqlite"),
                    Catch::Matchers::StartsWith("var/lib/rpm/rpmdb.sqlite: "));
  auto real = test::read_text(rpm_roots() / "sqlite/var/lib/rpm/rpmdb.sqlite");
  CHECK_THROWS_WITH(read_rpm_sqlite(real.substr(0, real.size() / 2), "db"),
                    Catch::Matchers::StartsWith("db: "));
}

TEST_CASE("rpm BerkeleyDB: corrupted files throw Error and never crash", "[rpm]") {
  auto original = test::read_text(rpm_roots() / "bdb512/var/lib/rpm/Packages");
  std::mt19937 rng(1234);
  int failures = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string file = original;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < flips; ++k) {
      // Mostly hit page headers and item offsets, where the structure is.
      size_t page = rng() % (file.size() / 512);
      size_t off = page * 512 + (rng() % 2 ? rng() % 40 : rng() % 512);
      file[off] = static_cast<char>(rng() % 3 == 0 ? 0xff : rng());
    }
    if (rng() % 10 == 0) file.resize(rng() % file.size());
    try {
      read_rpm_bdb(file, "P");
    } catch (const Error&) {
      ++failures;
    }
  }
  CHECK(failures > 100);
}

TEST_CASE("rpm header: corrupted real headers throw Error and never crash", "[rpm]") {
  std::string blob;
  auto packages = test::read_text(rpm_roots() / "bdb/var/lib/rpm/Packages");
  read_bdb_hash(packages, "P", [&](const BdbRecord& r) {
    if (r.value.size() > blob.size()) blob = std::string(r.value);
  });
  REQUIRE(blob.size() > 1000);
  std::mt19937 rng(99);
  for (int round = 0; round < 3000; ++round) {
    std::string b = blob;
    for (int k = 0; k < 4; ++k) {
      size_t off = rng() % 4 ? rng() % std::min<size_t>(b.size(), 8 + 16 * 40) : rng() % b.size();
      b[off] = static_cast<char>(rng());
    }
    try {
      package_from_rpm_header(RpmHeader::parse(b, "h"));
    } catch (const Error&) {
    }
  }
}

}  // namespace imgstrip
