#include "resolve/package_db_files.h"

#include <optional>
#include <set>
#include <string_view>

#include "pkgdb/dpkg.h"
#include "pkgdb/rpm.h"

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

// A path of an F: or R: line, without slashes around it.
std::string apk_path(std::string_view line) {
  line.remove_prefix(2);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && line.front() == '/')
    line.remove_prefix(1);
  while (!line.empty() && line.back() == '/')
    line.remove_suffix(1);
  return std::string(line);
}

// One package entry of lib/apk/db/installed (its lines, without the blank line after it)
// without the files the stripped image does not have: an R: line goes with the a:/Z:
// lines after it, an F: directory with its M: lines when neither it nor a file in it is
// kept.
std::string trim_apk_entry(const std::vector<std::string_view>& lines,
                           const std::function<bool(const std::string&)>& is_kept) {
  enum class At { Header, Dir, File } at = At::Header;
  std::string out, dir, dir_lines, file_lines;
  bool dir_kept = false, file_kept = false;
  auto close_dir = [&] {
    if (at != At::Header && (dir_kept || !file_lines.empty())) out += dir_lines + file_lines;
    dir_lines.clear();
    file_lines.clear();
  };
  for (std::string_view line : lines) {
    std::string text = std::string(line) + "\n";
    if (line.starts_with("F:")) {
      close_dir();
      at = At::Dir;
      dir = apk_path(line);
      dir_kept = dir.empty() || is_kept(dir);
      dir_lines = text;
    } else if (line.starts_with("R:") && at != At::Header) {
      at = At::File;
      std::string name = apk_path(line);
      file_kept = is_kept(dir.empty() ? name : dir + "/" + name);
      if (file_kept) file_lines += text;
    } else if (at == At::Header) {
      out += text;
    } else if (at == At::Dir) {
      dir_lines += text;
    } else if (file_kept) {
      file_lines += text;
    }
  }
  close_dir();
  return out;
}

// lib/apk/db/installed with the entries of the kept packages only, their file lists
// trimmed to the kept files.
void apk_files(const FileTree& tree, const std::vector<const Package*>& kept,
               const std::function<bool(const std::string&)>& is_kept, PackageDbFiles& out) {
  const std::string path = "lib/apk/db/installed";
  auto text = tree.read(path, kDbLimit);
  if (!text) return;
  std::set<std::string> names;
  for (const Package* p : kept)
    names.insert(p->name);
  std::string result;
  std::vector<std::string_view> entry;
  auto finish = [&] {
    std::string name;
    for (std::string_view line : entry) {
      if (line.starts_with("P:")) name = apk_path(line);
    }
    if (!entry.empty() && names.count(name)) result += trim_apk_entry(entry, is_kept) + "\n";
    entry.clear();
  };
  std::string_view rest = *text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (line.empty() || line == "\r") {
      finish();
    } else {
      entry.push_back(line);
    }
  }
  finish();
  out.generated.push_back(generated(tree, path, result, "apk database of the kept packages"));
  for (const char* extra : {"lib/apk/db/triggers", "etc/apk/world", "etc/apk/repositories",
                            "etc/apk/arch", "etc/apk/keys"}) {
    if (tree.find(extra) != nullptr) out.keep.push_back(extra);
  }
}

// rpmdb.sqlite: a copy listing only the kept packages (their file lists as they are); the
// write-ahead log and shared memory index are not kept, the copy has the log merged in.
// A Berkeley DB Packages file is kept as it is: imgstrip reads that format, never writes it.
void rpm_files(const FileTree& tree, const std::vector<const Package*>& kept, PackageDbFiles& out) {
  auto db = find_rpm_db(tree);
  auto real = db ? tree.resolve(*db) : std::nullopt;
  if (!real || !real->ends_with(".sqlite")) {
    for (const char* dir : {"var/lib/rpm", "usr/lib/sysimage/rpm"}) {
      if (tree.find(dir) != nullptr) out.keep.push_back(dir);
    }
    out.notes.push_back(
        "rpm Berkeley DB database kept as it is: it still lists the packages that were removed");
    return;
  }
  auto bytes = tree.read(*real, kDbLimit);
  if (!bytes) return;
  auto wal = tree.read(*real + "-wal", kDbLimit);
  std::vector<uint64_t> hnums;
  for (const Package* p : kept)
    hnums.push_back(p->hnum);
  std::optional<std::string_view> log;
  if (wal && !wal->empty()) log = *wal;
  out.generated.push_back(generated(tree, *real, trim_rpm_sqlite(*bytes, log, hnums, *real),
                                    "rpm database of the kept packages"));
  std::string dir = real->substr(0, real->rfind('/'));
  std::string base = real->substr(dir.size() + 1);
  for (const Entry* e : tree.children(dir)) {
    std::string name = e->path.substr(dir.size() + 1);
    if (name != base && name != base + "-wal" && name != base + "-shm") {
      out.keep.push_back(e->path);
    }
  }
  // The other place of the database, usually a symlink to this one (var/lib/rpm ->
  // ../../usr/lib/sysimage/rpm on Fedora).
  for (const char* other : {"var/lib/rpm", "usr/lib/sysimage/rpm"}) {
    const Entry* e = tree.find(other);
    if (e != nullptr && e->type == FileType::Symlink) out.keep.push_back(other);
  }
  out.notes.push_back("rpm database trimmed to the kept packages (file lists not trimmed)");
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
      apk_files(tree, kept, is_kept, out);
      out.notes.push_back("apk database trimmed to the kept packages and files");
      break;
    case DbKind::rpm:
      rpm_files(tree, kept, out);
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
