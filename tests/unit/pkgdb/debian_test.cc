// The dpkg reader on a real Debian bookworm root built by mmdebstrap
// (tests/fixtures/make-debian-root.sh, built on first use and cached).
#include <catch2/catch.hpp>

#include <algorithm>

#include "pkgdb/database.h"
#include "pkgdb/dpkg.h"
#include "unit/pkgdb/helpers.h"

namespace imgstrip {
namespace {

const PackageDb& debian_db() {
  static DirRootFs root(test::fixture("make-debian-root.sh", "debian-bookworm-nginx-php"));
  static PackageDb db = [] {
    auto opened = open_package_db(root);
    if (!opened) throw std::runtime_error("the Debian fixture has no package database");
    return std::move(*opened);
  }();
  return db;
}

bool has_group(const std::vector<Alternatives>& groups, const Alternatives& want) {
  return std::find(groups.begin(), groups.end(), want) != groups.end();
}

}  // namespace

TEST_CASE("Debian root: packages and kinds", "[debian]") {
  const PackageDb& db = debian_db();
  CHECK(db.kind() == DbKind::dpkg);
  CHECK(db.packages().size() > 100);
  for (auto& p : db.packages()) {
    INFO(p.origin);
    CHECK(!p.name.empty());
    CHECK(!p.version.empty());
    CHECK(p.status == "installed");
    CHECK(!p.stanza.empty());
  }
  const Package* nginx_light = db.find("nginx-light");
  REQUIRE(nginx_light != nullptr);
  CHECK(nginx_light->source == "nginx");
  CHECK(nginx_light->architecture == "all");
  CHECK(db.find("no-such-package") == nullptr);
}

TEST_CASE("Debian root: php-fpm is a metapackage on php8.2-fpm", "[debian]") {
  const PackageDb& db = debian_db();
  const Package* meta = db.find("php-fpm");
  REQUIRE(meta != nullptr);
  CHECK(meta->name == "php-fpm");  // the real package wins over the virtual name
  CHECK(meta->source == "php-defaults");
  CHECK(meta->depends == std::vector<Alternatives>{{{"php8.2-fpm", "", ""}}});

  const Package* fpm = db.find("php8.2-fpm");
  REQUIRE(fpm != nullptr);
  CHECK(fpm->source == "php8.2");
  CHECK(std::find(fpm->provides.begin(), fpm->provides.end(),
                  Dependency{"phpapi-20220829", "", ""}) != fpm->provides.end());
  CHECK(has_group(fpm->depends, {{"media-types", "", ""}, {"mime-support", "", ""}}));
  CHECK(has_group(fpm->depends, {{"libc6", "", ">= 2.35"}}));
  CHECK(std::any_of(fpm->depends.begin(), fpm->depends.end(), [](const Alternatives& g) {
    return g.size() == 1 && g[0].name == "php8.2-common" && g[0].constraint.starts_with("= 8.2");
  }));
  CHECK(db.providers("php-fpm") == std::vector<const Package*>{fpm});
  // A virtual name with two providers: find() takes the first in database order.
  auto api = db.providers("phpapi-20220829");
  REQUIRE(api.size() == 2);
  CHECK(api[0]->name == "php8.2-cli");
  CHECK(api[1] == fpm);
  CHECK(db.find("phpapi-20220829") == api[0]);
  CHECK(!fpm->conffiles.empty());
  CHECK(std::find(fpm->conffiles.begin(), fpm->conffiles.end(), "etc/php/8.2/fpm/php-fpm.conf") !=
        fpm->conffiles.end());
}

TEST_CASE("Debian root: file owners, through the merged /usr", "[debian]") {
  const PackageDb& db = debian_db();
  const Package* nginx = db.owner_of("usr/sbin/nginx");
  REQUIRE(nginx != nullptr);
  CHECK(nginx->name == "nginx");
  CHECK(db.owner_of("/usr/sbin/nginx") == nginx);
  // coreutils lists /bin/ls; bin -> usr/bin in bookworm.
  const Package* coreutils = db.find("coreutils");
  REQUIRE(coreutils != nullptr);
  CHECK(db.owner_of("bin/ls") == coreutils);
  CHECK(db.owner_of("usr/bin/ls") == coreutils);
  CHECK(db.find("/bin/ls") == coreutils);
  // Shared directories have many owners.
  CHECK(db.owners_of("usr/share/doc").size() > 50);
  // Multi-Arch: same packages' lists are info/NAME:ARCH.list.
  const Package* libc = db.find("libc6");
  REQUIRE(libc != nullptr);
  CHECK(db.find("libc6:amd64") == libc);
  CHECK(libc->source == "glibc");
  CHECK(db.owner_of("usr/lib/x86_64-linux-gnu/libc.so.6") == libc);
}

TEST_CASE("Debian root: essential, priority, pre-depends, conffiles", "[debian]") {
  const PackageDb& db = debian_db();
  const Package* coreutils = db.find("coreutils");
  REQUIRE(coreutils != nullptr);
  CHECK(coreutils->essential);
  CHECK(coreutils->priority == "required");
  CHECK(coreutils->installed_size == 18062u * 1024);
  CHECK(has_group(coreutils->pre_depends, {{"libc6", "", ">= 2.34"}}));
  CHECK(!db.find("nginx-common")->essential);

  const Package* common = db.find("nginx-common");
  REQUIRE(common != nullptr);
  for (auto want :
       {"etc/nginx/nginx.conf", "etc/nginx/mime.types", "etc/nginx/sites-available/default"}) {
    INFO(want);
    CHECK(std::find(common->conffiles.begin(), common->conffiles.end(), want) !=
          common->conffiles.end());
  }
  CHECK(has_group(common->depends, {{"debconf", "", ">= 0.5"}, {"debconf-2.0", "", ""}}));
  auto essentials = std::count_if(db.packages().begin(), db.packages().end(),
                                  [](const Package& p) { return p.essential; });
  CHECK(essentials > 10);
}

TEST_CASE("Debian root: packages by source", "[debian]") {
  const PackageDb& db = debian_db();
  auto nginx = db.by_source("nginx");
  CHECK(nginx.size() >= 3);  // nginx, nginx-common, nginx-light
  auto sources = db.sources();
  CHECK(std::is_sorted(sources.begin(), sources.end()));
  CHECK(std::find(sources.begin(), sources.end(), "glibc") != sources.end());
  CHECK(std::find(sources.begin(), sources.end(), "php8.2") != sources.end());
}

TEST_CASE("Debian root: the written status lists the kept packages verbatim", "[debian]") {
  const PackageDb& db = debian_db();
  std::vector<const Package*> kept = {db.find("libc6"), db.find("nginx"), db.find("php8.2-fpm")};
  std::string text = write_dpkg_status(kept);
  auto stanzas = parse_control(text, "written status");
  REQUIRE(stanzas.size() == 3);
  for (size_t i = 0; i < kept.size(); ++i)
    CHECK(stanzas[i].text == kept[i]->stanza);
  // The original status file is the concatenation of all stanzas in order.
  std::vector<const Package*> all;
  for (auto& p : db.packages())
    all.push_back(&p);
  auto original = test::read_text(
      test::fixture("make-debian-root.sh", "debian-bookworm-nginx-php") / "var/lib/dpkg/status");
  CHECK(write_dpkg_status(all) == original);
}

}  // namespace imgstrip
