// The inventory of a small resolved tree, and the SPDX / CycloneDX documents made from it.
#include <catch2/catch.hpp>
#include <regex>

#include "core/tempdir.h"
#include "sbom/cyclonedx.h"
#include "sbom/inventory.h"
#include "sbom/jar_poms.h"
#include "sbom/spdx.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using namespace imgstrip::test;

namespace {

std::string make_jar() {
  TempDir dir;
  std::string path = (dir.path() / "app.jar").string();
  int rc =
      std::system(("python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); "
                   "z.writestr('META-INF/MANIFEST.MF','Manifest-Version: 1.0\\n'); "
                   "z.writestr('META-INF/maven/org.example/app/pom.properties',"
                   "'groupId=org.example\\nartifactId=app\\nversion=1.0+build\\n'); z.close()\" " +
                   path)
                      .c_str());
  REQUIRE(rc == 0);
  return read_file(path, 1 << 20);
}

struct Fixture {
  FileTree tree;
  Resolution resolution;
  Inventory inventory;
};

Fixture fixture() {
  TreeBuilder b;
  b.package("nginx-light", {"usr/sbin/nginx"});
  b.package("apt", {"usr/bin/apt"});
  b.file("usr/sbin/nginx", "nginx").file("usr/bin/apt", "apt");
  b.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n");
  b.file("app/server.js", "require('express')\n");
  b.file("app/node_modules/express/package.json", R"({"name":"express","version":"4.18.2"})");
  b.file("app/node_modules/@types/node/package.json",
         R"({"name":"@types/node","version":"20.1.0"})");
  b.file("app/node_modules/express/lib/package.json", R"({"name":"inner","version":"0"})");
  b.file("app/lib/python3.11/site-packages/Flask_Login-0.6.dist-info/METADATA",
         "Name: Flask_Login\nVersion: 0.6.2\n\n");
  b.file("app/lib/app.jar", make_jar());
  b.file("app/lib/plain.jar", "not a zip");
  Fixture f{b.build(), {}, {}};
  StripRequest request;
  request.packages = {"nginx-light"};
  request.files = {"/app"};
  request.entrypoint = false;
  f.resolution = resolve(f.tree, config_json("{}"), request);
  f.inventory = take_inventory(f.tree, f.resolution.paths(), f.resolution);
  return f;
}

const Component* find(const Inventory& inv, const std::string& name) {
  for (auto& c : inv.components)
    if (c.name == name) return &c;
  return nullptr;
}

SbomSubject subject() {
  SbomSubject s;
  s.repository = "127.0.0.1:5000/web";
  s.reference = "127.0.0.1:5000/web:stripped";
  s.digest = sha256_of("manifest");
  s.created = "2024-01-02T03:04:05Z";
  s.tool_version = "0.1.0";
  return s;
}

}  // namespace

TEST_CASE("the inventory lists kept OS packages and application packages") {
  Fixture f = fixture();
  const Inventory& inv = f.inventory;
  CHECK(inv.os.id == "debian");
  CHECK(inv.package_db == "dpkg");
  const Component* nginx = find(inv, "nginx-light");
  REQUIRE(nginx);
  CHECK(nginx->purl == "pkg:deb/debian/nginx-light@1.0?arch=amd64&distro=debian-12");
  CHECK(find(inv, "apt") == nullptr);
  const Component* express = find(inv, "express");
  REQUIRE(express);
  CHECK(express->purl == "pkg:npm/express@4.18.2");
  CHECK(express->location == "/app/node_modules/express/package.json");
  REQUIRE(find(inv, "@types/node"));
  CHECK(find(inv, "@types/node")->purl == "pkg:npm/%40types/node@20.1.0");
  CHECK(find(inv, "inner") == nullptr);  // a package.json that is not a package's
  REQUIRE(find(inv, "Flask_Login"));
  CHECK(find(inv, "Flask_Login")->purl == "pkg:pypi/flask-login@0.6.2");
  REQUIRE(find(inv, "app"));
  CHECK(find(inv, "app")->purl == "pkg:maven/org.example/app@1.0%2Bbuild");
  REQUIRE(find(inv, "plain.jar"));
  CHECK(find(inv, "plain.jar")->purl.empty());
}

TEST_CASE("jar_poms survives what is not a jar") {
  CHECK(jar_poms("").empty());
  CHECK(jar_poms("PK\x03\x04garbage").empty());
}

TEST_CASE("the SPDX document describes the image and lists what it contains") {
  Fixture f = fixture();
  std::string text = spdx_document(f.inventory, subject());
  CHECK(text == spdx_document(f.inventory, subject()));  // reproducible
  Json doc = Json::parse(text);
  CHECK(doc["spdxVersion"] == "SPDX-2.3");
  CHECK(doc["creationInfo"]["created"] == "2024-01-02T03:04:05Z");
  Json image = doc["packages"][0];
  CHECK(image["SPDXID"] == "SPDXRef-Image");
  CHECK(image["versionInfo"] == sha256_of("manifest").str());
  CHECK(doc["relationships"][0]["relationshipType"] == "DESCRIBES");
  bool nginx = false;
  for (auto& p : doc["packages"]) {
    if (p["name"] == "nginx-light") {
      nginx = true;
      CHECK(p["externalRefs"][0]["referenceLocator"] ==
            "pkg:deb/debian/nginx-light@1.0?arch=amd64&distro=debian-12");
    }
    CHECK(p["name"] != "apt");
  }
  CHECK(nginx);
  CHECK(doc["relationships"].size() == doc["packages"].size());
}

TEST_CASE("the CycloneDX document has the image as its component") {
  Fixture f = fixture();
  std::string text = cyclonedx_document(f.inventory, subject());
  CHECK(text == cyclonedx_document(f.inventory, subject()));
  Json doc = Json::parse(text);
  CHECK(doc["specVersion"] == "1.5");
  CHECK(std::regex_match(
      doc["serialNumber"].get<std::string>(),
      std::regex("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(doc["metadata"]["component"]["type"] == "container");
  CHECK(doc["metadata"]["timestamp"] == "2024-01-02T03:04:05Z");
  CHECK(doc["components"][0]["type"] == "operating-system");
  CHECK(doc["dependencies"][0]["dependsOn"].size() == doc["components"].size());
}
