#include "fs/tar_entry.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>

#include "core/error.h"
#include "core/path.h"

namespace imgstrip {
namespace {

// The normal form of an archive path; Error on "..".
std::string normal_path(std::string_view raw, std::string_view layer, std::string_view what) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    size_t j = raw.find('/', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view part = raw.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") fail("{}: entry \"{}\": {} has a \"..\" component", layer, raw, what);
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

FileType file_type(archive_entry* ae, std::string_view layer, std::string_view path) {
  switch (archive_entry_filetype(ae)) {
    case AE_IFREG:
      return FileType::Regular;
    case AE_IFDIR:
      return FileType::Directory;
    case AE_IFLNK:
      return FileType::Symlink;
    case AE_IFCHR:
      return FileType::CharDevice;
    case AE_IFBLK:
      return FileType::BlockDevice;
    case AE_IFIFO:
      return FileType::Fifo;
    case AE_IFSOCK:
      return FileType::Socket;
    default:
      fail("{}: entry \"{}\": unsupported entry type {:o}", layer, path,
           archive_entry_filetype(ae));
  }
}

uint32_t owner_id(int64_t id, std::string_view layer, std::string_view path,
                  std::string_view what) {
  if (id < 0 || id > int64_t{UINT32_MAX}) {
    fail("{}: entry \"{}\": {} {} is out of range", layer, path, what, id);
  }
  return static_cast<uint32_t>(id);
}

std::vector<std::pair<std::string, std::string>> xattrs_of(archive_entry* ae) {
  std::vector<std::pair<std::string, std::string>> out;
  if (archive_entry_xattr_reset(ae) == 0) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK) {
    if (name == nullptr) continue;
    out.emplace_back(name, std::string(static_cast<const char*>(value), value ? size : 0));
  }
  // libarchive reports an attribute twice when both SCHILY.xattr and LIBARCHIVE.xattr
  // records carry it: keep the last of each name.
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> unique;
  for (auto& x : out) {
    if (!unique.empty() && unique.back().first == x.first) {
      unique.back() = std::move(x);
    } else {
      unique.push_back(std::move(x));
    }
  }
  return unique;
}

}  // namespace

TarEntry read_tar_entry(archive_entry* ae, const FlattenOptions& options, std::string_view layer) {
  TarEntry t;
  const char* name = archive_entry_pathname(ae);
  if (name == nullptr) fail("{}: an entry has no readable name", layer);
  t.raw_path = name;
  if (t.raw_path.size() > options.max_path_length) {
    fail("{}: entry \"{}...\": path is {} bytes long, more than the limit of {}", layer,
         t.raw_path.substr(0, 100), t.raw_path.size(), options.max_path_length);
  }
  t.absolute = t.raw_path.starts_with('/');
  Entry& e = t.entry;
  e.path = normal_path(t.raw_path, layer, "path");

  if (const char* target = archive_entry_hardlink(ae)) {
    t.hardlink = true;
    std::string_view raw = target;
    if (raw.size() > options.max_path_length) {
      fail("{}: entry \"{}\": hard link target is longer than the limit of {} bytes", layer,
           t.raw_path, options.max_path_length);
    }
    t.hardlink_absolute = raw.starts_with('/');
    t.hardlink_target = normal_path(raw, layer, "hard link target");
    return t;
  }

  e.type = file_type(ae, layer, t.raw_path);
  e.mode = static_cast<uint32_t>(archive_entry_perm(ae)) & 07777;
  e.uid = owner_id(archive_entry_uid(ae), layer, t.raw_path, "uid");
  e.gid = owner_id(archive_entry_gid(ae), layer, t.raw_path, "gid");
  if (const char* u = archive_entry_uname(ae)) e.uname = u;
  if (const char* g = archive_entry_gname(ae)) e.gname = g;
  e.mtime = archive_entry_mtime(ae);
  e.xattrs = xattrs_of(ae);

  int64_t size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : 0;
  if (size < 0 || static_cast<uint64_t>(size) > options.max_file_size) {
    fail("{}: entry \"{}\": absurd size {} (the limit is {} bytes)", layer, t.raw_path, size,
         options.max_file_size);
  }
  switch (e.type) {
    case FileType::Regular:
      e.size = static_cast<uint64_t>(size);
      break;
    case FileType::Symlink: {
      const char* link = archive_entry_symlink(ae);
      if (link == nullptr || *link == '\0') {
        fail("{}: entry \"{}\": symlink without a target", layer, t.raw_path);
      }
      e.link = link;
      if (e.link.size() > options.max_path_length) {
        fail("{}: entry \"{}\": symlink target is longer than the limit of {} bytes", layer,
             t.raw_path, options.max_path_length);
      }
      break;
    }
    case FileType::CharDevice:
    case FileType::BlockDevice:
      e.dev_major = static_cast<uint32_t>(archive_entry_rdevmajor(ae));
      e.dev_minor = static_cast<uint32_t>(archive_entry_rdevminor(ae));
      break;
    default:
      break;
  }
  return t;
}

}  // namespace imgstrip
