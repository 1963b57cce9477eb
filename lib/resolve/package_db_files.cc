#include "resolve/package_db_files.h"

#include <set>

#include "pkgdb/dpkg.h"

namespace imgstrip {
namespace {

constexpr size_t kDbLimit = size_t{256} << 20;

GeneratedFile generated(const FileTree& tree, const std::string& path, std::string contents,
                        std::string why) {
  GeneratedFile g;
  if (const Entry* old = tree.find(path); old != nullptr && old->type == FileType::Regular) {
    g.entry = *old;
  }
  g.entry.path = path;
  g.entry.type = FileType::Regular;
  if (g.entry.mode == 0) g.entry.mode = 0644;
  g.entry.link.clear();
  g.entry.inode = 0;
  g.entry.content = kNoContent;
  g.entry.size = contents.size();
  g.contents = std::move(contents);
  g.why = std::move(why);
  return g;
}

void dpkg_files(const FileTree& tree, const std::vector<const Package*>& kept,
                const std::function<bool(const std::string&)>& is_kept, PackageDbFiles& out) {
  const std::string info = "var/lib/dpkg/info/";
  if (tree.find("var/lib/dpkg/status") != nullptr) {
    out.generated.push_back(generated(tree, "var/lib/dpkg/status", write_dpkg_status(kept),
                                      "dpkg status of the kept packages"));
  } else {
    // Distroless: one status file per package in status.d, kept as they are.
    for (const Package* p : kept) {
      for (auto& name : tree.list("var/lib/dpkg/status.d")) {
        if (name == p->name || name.starts_with(p->name + ".") || name.starts_with(p->name + "_")) {
          out.keep.push_back("var/lib/dpkg/status.d/" + name);
        }
      }
    }
  }
  for (const Package* p : kept) {
    std::string base = info + p->name;
    if (!p->architecture.empty() && tree.find(base + ":" + p->architecture + ".list") != nullptr) {
      base += ":" + p->architecture;
    }
    if (tree.find(base + ".list") != nullptr) {
      out.generated.push_back(generated(tree, base + ".list", write_dpkg_list(*p, is_kept),
                                        "file list of " + p->name + ", trimmed"));
    }
    for (const char* ext : {".md5sums", ".conffiles"}) {
      if (tree.find(base + ext) != nullptr) out.keep.push_back(base + ext);
    }
  }
}

void apk_files(const FileTree& tree, const std::vector<const Package*>& kept, PackageDbFiles& out) {
  const std::string path = "lib/apk/db/installed";
  auto text = tree.read(path, kDbLimit);
  if (!text) return;
  std::set<std::string> names;
  for (const Package* p : kept)
    names.insert(p->name);
  std::string result;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find("\n\n", start);
    std::string block =
        text->substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text->size() : end + 2;
    size_t p = block.starts_with("P:") ? 0 : block.find("\nP:");
    if (p == std::string::npos) continue;
    size_t from = p == 0 ? 2 : p + 3;
    std::string name = block.substr(from, block.find('\n', from) - from);
    if (names.count(name)) result += block + "\n\n";
  }
  out.generated.push_back(generated(tree, path, result, "apk database of the kept packages"));
  for (const char* extra : {"lib/apk/db/triggers", "etc/apk/world", "etc/apk/repositories",
                            "etc/apk/arch", "etc/apk/keys"}) {
    if (tree.find(extra) != nullptr) out.keep.push_back(extra);
  }
}

}  // namespace

PackageDbFiles package_db_files(const FileTree& tree, const PackageDb& db,
                                const std::vector<const Package*>& kept,
                                const std::function<bool(const std::string&)>& is_kept) {
  PackageDbFiles out;
  switch (db.kind()) {
    case DbKind::dpkg:
      dpkg_files(tree, kept, is_kept, out);
      break;
    case DbKind::apk:
      apk_files(tree, kept, out);
      out.notes.push_back("apk database trimmed to the kept packages (file lists not trimmed)");
      break;
    case DbKind::rpm:
      for (const char* dir : {"var/lib/rpm", "usr/lib/sysimage/rpm"}) {
        if (tree.find(dir) != nullptr) out.keep.push_back(dir);
      }
      out.notes.push_back(
          "rpm database kept as it is: it still lists the packages that were removed");
      break;
  }
  return out;
}

FileTree with_generated(FileTree tree, const std::vector<GeneratedFile>& files) {
  if (!tree.has_contents()) {
    FileTree fresh(std::make_shared<ContentStore>());
    for (auto& [path, e] : tree.entries()) {
      if (!path.empty()) fresh.insert(e);
    }
    tree = std::move(fresh);
  }
  for (const GeneratedFile& g : files) {
    Entry e = g.entry;
    if (e.type == FileType::Regular) {
      e.size = g.contents.size();
      e.content = g.contents.empty() ? kNoContent : tree.contents()->append(g.contents);
      e.inode = 0;
    }
    tree.insert(std::move(e));
  }
  return tree;
}

}  // namespace imgstrip
