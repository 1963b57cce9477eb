#include <catch2/catch.hpp>

#include "pkgdb/package.h"
#include "sbom/inventory.h"
#include "sbom/purl.h"
#include "sbom/subject.h"

using namespace imgstrip;

TEST_CASE("purl components are percent-encoded as the spec says") {
  CHECK(purl_escape("2.36-9+deb12u4") == "2.36-9%2Bdeb12u4");
  CHECK(purl_escape("1:2.3~rc1") == "1:2.3~rc1");
  CHECK(purl_escape("a b/c@d?e#f%") == "a%20b%2Fc%40d%3Fe%23f%25");
  CHECK(Purl{"npm", "@types", "node", "20.1.0", {}}.str() == "pkg:npm/%40types/node@20.1.0");
  CHECK(Purl{"maven", "org.apache", "commons-io", "2.11", {}}.str() ==
        "pkg:maven/org.apache/commons-io@2.11");
  CHECK(Purl{"pypi", "", "flask", "", {{"b", "2"}, {"a", "1"}, {"c", ""}}}.str() ==
        "pkg:pypi/flask?a=1&b=2");
}

TEST_CASE("OS package purls name the distribution") {
  OsRelease debian{"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  Package p;
  p.name = "libc6";
  p.version = "2.36-9+deb12u4";
  p.architecture = "amd64";
  CHECK(os_package_purl(p, DbKind::dpkg, debian) ==
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
  Package r;
  r.name = "bash";
  r.version = "1:5.1.8-6.el9";
  r.architecture = "x86_64";
  CHECK(os_package_purl(r, DbKind::rpm, {"rocky", "9.3", ""}) ==
        "pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&distro=rocky-9.3&epoch=1");
  Package a;
  a.name = "musl";
  a.version = "1.2.4-r2";
  a.architecture = "x86_64";
  CHECK(os_package_purl(a, DbKind::apk, {"alpine", "3.18.4", ""}) ==
        "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4");
}

TEST_CASE("the image purl and SBOM times") {
  SbomSubject s;
  s.repository = "127.0.0.1:5000/team/web";
  s.digest = sha256_of("x");
  CHECK(image_purl(s) ==
        "pkg:oci/web@sha256%3A" + s.digest.hex + "?repository_url=127.0.0.1:5000%2Fteam%2Fweb");
  CHECK(sbom_time("2024-02-29T23:59:59.123456789Z") == "2024-02-29T23:59:59Z");
  CHECK(sbom_time("2024-03-01T01:30:00+02:00") == "2024-02-29T23:30:00Z");
  CHECK(sbom_time("1970-01-01T00:00:00Z") == "1970-01-01T00:00:00Z");
  CHECK(sbom_time("") == "1970-01-01T00:00:00Z");
  CHECK(sbom_time("yesterday") == "1970-01-01T00:00:00Z");
  CHECK(sbom_time("2024-13-01T00:00:00Z") == "1970-01-01T00:00:00Z");
}
