// What a stripped image holds, for a bill of materials: the kept OS packages (the same
// list the trimmed package database names) with versions, architectures and purls, and
// the application packages among the kept files that no OS package owns: npm packages
// (node_modules/[@scope/]NAME/package.json), Python distributions (*.dist-info/METADATA,
// *.egg-info/PKG-INFO) and jars (Maven coordinates from their pom.properties; a jar
// without any is listed by its file name, without a purl).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "fs/tree.h"
#include "resolve/resolver.h"
#include "sbom/app_metadata.h"

namespace imgstrip {

enum class ComponentKind { OsPackage, Npm, Python, Java };

struct Component {
  ComponentKind kind = ComponentKind::OsPackage;
  std::string name;
  std::string group;  // maven groupId
  std::string version;
  std::string arch;      // OS packages
  std::string purl;      // empty when the component has none
  std::string location;  // "/app/node_modules/x/package.json", "var/lib/dpkg/status"
};

struct Inventory {
  OsRelease os;
  std::string package_db;             // "dpkg", "rpm", "apk" or empty
  std::vector<Component> components;  // OS packages by name, then application packages by path
};

// `kept`: the paths the stripped image holds (Resolution::paths()).
Inventory take_inventory(const FileTree& tree, const std::set<std::string>& kept,
                         const Resolution& resolution);

// The purl of an OS package of the image's distribution `os` ("pkg:deb/debian/...").
std::string os_package_purl(const Package& p, DbKind kind, const OsRelease& os);

}  // namespace imgstrip
