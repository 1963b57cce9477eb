#include "sbom/inventory.h"

#include <algorithm>

#include "core/error.h"
#include "sbom/jar_poms.h"
#include "sbom/purl.h"

namespace imgstrip {
namespace {

constexpr size_t kMetadataLimit = 1 << 20;
constexpr size_t kJarLimit = 64 << 20;

std::string distro(const OsRelease& os) {
  if (os.id.empty()) return "";
  return os.version_id.empty() ? os.id : os.id + "-" + os.version_id;
}

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

std::string base(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// "a/node_modules/@s/x/package.json" and "a/node_modules/x/package.json": npm packages.
bool npm_manifest(std::string_view path) {
  if (!path.ends_with("/package.json")) return false;
  std::string_view dir = path.substr(0, path.size() - 13);
  size_t slash = dir.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view parent = dir.substr(0, slash);
  if (parent.ends_with("/node_modules") || parent == "node_modules") return true;
  size_t up = parent.rfind('/');
  std::string_view scope = up == std::string_view::npos ? parent : parent.substr(up + 1);
  if (!scope.starts_with('@')) return false;
  std::string_view above = up == std::string_view::npos ? "" : parent.substr(0, up);
  return above.ends_with("/node_modules") || above == "node_modules";
}

bool python_metadata(std::string_view path) {
  return path.ends_with(".dist-info/METADATA") || path.ends_with(".egg-info/PKG-INFO");
}

bool jar(std::string_view path) {
  return ends_with_nocase(path, ".jar") || ends_with_nocase(path, ".war");
}

std::optional<std::string> read_regular(const FileTree& tree, const std::string& path,
                                        size_t limit) {
  auto r = tree.lookup(path, false);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) return std::nullopt;
  if (r->entry->size > limit) return std::nullopt;
  try {
    return tree.read(*r->entry, limit);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string npm_purl(const NamedVersion& nv) {
  Purl p{"npm", "", nv.name, nv.version, {}};
  if (nv.name.starts_with('@') && nv.name.find('/') != std::string::npos) {
    p.name_space = nv.name.substr(0, nv.name.find('/'));
    p.name = nv.name.substr(nv.name.find('/') + 1);
  }
  return p.str();
}

std::string pypi_purl(const NamedVersion& nv) {
  std::string name = nv.name;
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '_') c = '-';
  }
  return Purl{"pypi", "", name, nv.version, {}}.str();
}

}  // namespace

std::string os_package_purl(const Package& p, DbKind kind, const OsRelease& os) {
  Purl purl;
  purl.name = p.name;
  purl.version = p.version;
  purl.qualifiers["arch"] = p.architecture;
  purl.qualifiers["distro"] = distro(os);
  switch (kind) {
    case DbKind::dpkg:
      purl.type = "deb";
      purl.name_space = os.id == "ubuntu" ? "ubuntu" : "debian";
      break;
    case DbKind::rpm: {
      purl.type = "rpm";
      purl.name_space = os.id.empty() ? "redhat" : os.id;
      size_t colon = p.version.find(':');
      if (colon != std::string::npos) {
        purl.qualifiers["epoch"] = p.version.substr(0, colon);
        purl.version = p.version.substr(colon + 1);
      }
      break;
    }
    case DbKind::apk:
      purl.type = "apk";
      purl.name_space = os.id.empty() ? "alpine" : os.id;
      break;
  }
  return purl.str();
}

Inventory take_inventory(const FileTree& tree, const std::set<std::string>& kept,
                         const Resolution& resolution) {
  Inventory inv;
  for (const char* p : {"etc/os-release", "usr/lib/os-release"}) {
    if (!kept.count(p)) continue;
    if (auto text = tree.read(p, 64 << 10)) {
      inv.os = parse_os_release(*text);
      break;
    }
  }
  inv.package_db = resolution.package_db;
  const PackageDb* db = resolution.database.get();
  if (db != nullptr) {
    for (const KeptPackage& k : resolution.packages) {
      const Package& p = *k.package;
      Component c;
      c.kind = ComponentKind::OsPackage;
      c.name = p.name;
      c.version = p.version;
      c.arch = p.architecture;
      c.purl = os_package_purl(p, db->kind(), inv.os);
      c.location = p.origin.substr(0, p.origin.rfind(':'));
      inv.components.push_back(std::move(c));
    }
    std::sort(inv.components.begin(), inv.components.end(),
              [](const Component& a, const Component& b) {
                return std::tie(a.name, a.arch) < std::tie(b.name, b.arch);
              });
  }
  for (const std::string& path : kept) {
    if (db != nullptr && db->owner_of(path) != nullptr) continue;  // an OS package's file
    std::string where = "/" + path;
    if (npm_manifest(path)) {
      auto text = read_regular(tree, path, kMetadataLimit);
      if (!text) continue;
      if (auto nv = parse_package_json(*text)) {
        inv.components.push_back(
            {ComponentKind::Npm, nv->name, "", nv->version, "", npm_purl(*nv), where});
      }
    } else if (python_metadata(path)) {
      auto text = read_regular(tree, path, kMetadataLimit);
      if (!text) continue;
      if (auto nv = parse_python_metadata(*text)) {
        inv.components.push_back(
            {ComponentKind::Python, nv->name, "", nv->version, "", pypi_purl(*nv), where});
      }
    } else if (jar(path)) {
      auto bytes = read_regular(tree, path, kJarLimit);
      if (!bytes) continue;
      std::vector<NamedVersion> poms = jar_poms(*bytes);
      if (poms.empty()) {
        inv.components.push_back({ComponentKind::Java, base(path), "", "", "", "", where});
      }
      for (auto& nv : poms) {
        std::string purl = Purl{"maven", nv.group, nv.name, nv.version, {}}.str();
        inv.components.push_back(
            {ComponentKind::Java, nv.name, nv.group, nv.version, "", purl, where});
      }
    }
  }
  return inv;
}

}  // namespace imgstrip
