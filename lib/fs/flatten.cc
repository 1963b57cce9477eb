#include "fs/flatten.h"

#include <archive_entry.h>
#include <fmt/format.h>

#include <map>
#include <set>

#include "core/error.h"
#include "core/path.h"
#include "fs/archive_reader.h"
#include "fs/tar_entry.h"
#include "oci/digest.h"

namespace imgstrip {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr std::string_view kMetaPrefix = ".wh..wh.";  // aufs bookkeeping (.wh..wh.plnk)
constexpr std::string_view kMetaInside = "/.wh..wh.";
constexpr size_t npos = std::string_view::npos;

Entry implicit_dir(std::string path, uint16_t layer) {
  Entry d;
  d.path = std::move(path);
  d.type = FileType::Directory;
  d.mode = 0755;
  d.layer = layer;
  return d;
}

// Warnings of one layer, reported once per kind with the first example and a count, so
// a layer of 10,000 absolute paths gives one line.
class LayerWarnings {
 public:
  void add(std::string_view kind, std::string example) {
    auto [it, fresh] = kinds_.try_emplace(std::string(kind), 0, std::move(example));
    if (!fresh) ++it->second.first;
  }
  void flush(std::vector<std::string>& out, std::string_view layer) {
    for (auto& [kind, seen] : kinds_) {
      std::string more = seen.first > 0 ? fmt::format(" (and {} more)", seen.first) : "";
      out.push_back(fmt::format("{}: {}: {}{}", layer, seen.second, kind, more));
    }
    kinds_.clear();
  }

 private:
  std::map<std::string, std::pair<size_t, std::string>> kinds_;
};

// Applies one layer's entries to the tree.
class LayerApplier {
 public:
  LayerApplier(FileTree& tree, const FlattenOptions& options, uint16_t layer, std::string_view name,
               uint64_t& next_inode, uint64_t& entries_seen)
      : tree_(tree),
        options_(options),
        layer_(layer),
        name_(name),
        next_inode_(next_inode),
        entries_seen_(entries_seen) {}

  void run(ReadStream& in) {
    ArchiveReader reader(in, ArchiveReader::Format::Tar, std::string(name_));
    while (archive_entry* ae = reader.next()) {
      if (++entries_seen_ > options_.max_entries) {
        fail("{}: more than {} entries in the image", name_, options_.max_entries);
      }
      TarEntry t = read_tar_entry(ae, options_, name_);
      reader.set_entry(t.raw_path);
      if (t.absolute) warnings_.add("absolute path made relative", t.raw_path);
      apply(t, reader);
    }
    warnings_.flush(tree_.warnings, name_);
  }

 private:
  void apply(TarEntry& t, ArchiveReader& reader) {
    const std::string& path = t.entry.path;
    std::string_view base = base_name(path);
    bool meta = path.starts_with(kMetaPrefix) || path.find(kMetaInside) != npos;
    if (meta && base != kOpaqueMarker) {
      reader.skip();  // aufs bookkeeping (.wh..wh.plnk/...) is not part of the file system
      return;
    }
    if (base.starts_with(kWhiteoutPrefix)) {
      whiteout(t);
      reader.skip();
      return;
    }
    if (path.empty()) {
      if (t.hardlink || t.entry.type != FileType::Directory) {
        fail("{}: entry \"{}\": replaces the root directory with a {}", name_, t.raw_path,
             t.hardlink ? "hard link" : file_type_name(t.entry.type));
      }
      t.entry.layer = layer_;
      tree_.insert(std::move(t.entry));
      reader.skip();
      return;
    }
    make_parents(t);
    if (t.hardlink) {
      hardlink(t);
      reader.skip();
      return;
    }
    if (t.entry.type == FileType::Regular && t.entry.size > 0 && tree_.has_contents()) {
      spool(t, reader);
    } else {
      reader.skip();
    }
    put(std::move(t.entry), t.raw_path);
  }

  // Checks every ancestor: a symlink is an error (the entry would land outside where the
  // tar says); a missing one is created as a root-owned 0755 directory.
  void make_parents(const TarEntry& t) {
    std::string_view parent = dir_name(t.entry.path);
    if (parent.empty() || parent == checked_parent_) return;
    size_t end = 0;
    while (end != std::string_view::npos) {
      end = parent.find('/', end + 1);
      std::string_view dir = parent.substr(0, end);
      const Entry* e = tree_.find(dir);
      if (e != nullptr && e->type == FileType::Directory) continue;
      if (e != nullptr && e->type == FileType::Symlink) {
        fail("{}: entry \"{}\" would escape via symlinked parent \"{}\" (-> {})", name_, t.raw_path,
             dir, e->link);
      }
      if (e != nullptr) {
        warnings_.add(
            fmt::format("parent was a {}, replaced by a 0755 directory", file_type_name(e->type)),
            std::string(dir));
        tree_.remove(dir);
      } else {
        warnings_.add("missing parent directory created as root-owned 0755", std::string(dir));
      }
      implicit_.insert(std::string(dir));
      tree_.insert(implicit_dir(std::string(dir), layer_));
    }
    checked_parent_ = parent;
  }

  // Puts an entry in place of whatever is at its path: a directory over a directory
  // replaces only the metadata, anything else replaces the whole subtree.
  void put(Entry e, std::string_view raw_path) {
    e.layer = layer_;
    if (const Entry* old = tree_.find(e.path)) {
      if (old->layer == layer_ && implicit_.erase(e.path) == 0) {
        warnings_.add("duplicate entry in one layer, the later one wins", std::string(raw_path));
      }
      if (old->type == FileType::Directory && e.type != FileType::Directory) {
        tree_.remove(e.path);
      }
    }
    if (e.type != FileType::Directory && is_prefix_dir(e.path, checked_parent_)) {
      checked_parent_.clear();
    }
    tree_.insert(std::move(e));
  }

  static bool is_prefix_dir(std::string_view dir, std::string_view path) {
    return path == dir ||
           (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
  }

  void spool(TarEntry& t, ArchiveReader& reader) {
    ContentStore& store = *tree_.contents();
    Entry& e = t.entry;
    uint64_t start = store.bytes();
    uint64_t written = 0;
    std::string_view data;
    int64_t offset = 0;
    while (reader.block(data, offset)) {
      uint64_t at = static_cast<uint64_t>(offset);
      if (offset < 0 || at < written || at > e.size || data.size() > e.size - at) {
        fail("{}: entry \"{}\": data block at offset {} (+{}) does not fit its size {}", name_,
             t.raw_path, offset, data.size(), e.size);
      }
      pad(store, at - written);  // a hole in a sparse file
      store.append(data);
      written = at + data.size();
    }
    pad(store, e.size - written);
    e.content = start;
  }

  static void pad(ContentStore& store, uint64_t n) {
    static const std::string zeros(1 << 16, '\0');
    while (n > 0) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(n, zeros.size()));
      store.append(std::string_view(zeros.data(), take));
      n -= take;
    }
  }

  void hardlink(TarEntry& t) {
    if (t.hardlink_absolute) {
      warnings_.add("absolute hard link target made relative", t.raw_path);
    }
    const std::string& target = t.hardlink_target;
    const Entry* found = tree_.find(target);
    if (found == nullptr || target.empty()) {
      fail("{}: entry \"{}\": hard link to \"{}\", which does not exist", name_, t.raw_path,
           target);
    }
    if (found->type == FileType::Directory) {
      fail("{}: entry \"{}\": hard link to the directory \"{}\"", name_, t.raw_path, target);
    }
    if (target == t.entry.path) return;  // a link to itself changes nothing
    Entry link = *found;
    if (link.type == FileType::Regular) {
      if (link.inode == 0) {
        Entry first = *found;
        first.inode = next_inode_++;
        link.inode = first.inode;
        tree_.insert(std::move(first));
      }
    }
    link.path = t.entry.path;
    put(std::move(link), t.raw_path);
  }

  void whiteout(const TarEntry& t) {
    checked_parent_.clear();
    const std::string& path = t.entry.path;
    std::string_view parent = dir_name(path);
    std::string_view base = base_name(path);
    // Only lower layers are affected; a missing parent means there is nothing to hide.
    const Entry* dir = tree_.find(parent);
    if (dir == nullptr) {
      check_no_symlink_parent(t, parent);
      return;
    }
    if (dir->type == FileType::Symlink) {
      fail("{}: entry \"{}\" would escape via symlinked parent \"{}\" (-> {})", name_, t.raw_path,
           parent, dir->link);
    }
    if (base == kOpaqueMarker) {
      tree_.remove_below(parent, layer_);
      return;
    }
    std::string_view name = base.substr(kWhiteoutPrefix.size());
    if (name.empty() || name == "." || name == "..") {
      fail("{}: entry \"{}\": invalid whiteout name", name_, t.raw_path);
    }
    std::string hidden = child_path(parent, name);
    const Entry* e = tree_.find(hidden);
    if (e == nullptr) return;
    bool lower = e->layer < layer_;
    tree_.remove_below(hidden, layer_);
    if (lower) {
      // Entries of this layer below it (an odd tar) stay, and finish() gives them a parent.
      std::vector<Entry> kept;
      std::string prefix = hidden + "/";
      for (auto it = tree_.entries().lower_bound(prefix);
           it != tree_.entries().end() && it->first.starts_with(prefix); ++it) {
        kept.push_back(it->second);
      }
      tree_.remove(hidden);
      for (auto& k : kept)
        tree_.insert(std::move(k));
    }
  }

  void check_no_symlink_parent(const TarEntry& t, std::string_view parent) {
    while (!parent.empty()) {
      const Entry* e = tree_.find(parent);
      if (e != nullptr && e->type == FileType::Symlink) {
        fail("{}: entry \"{}\" would escape via symlinked parent \"{}\" (-> {})", name_, t.raw_path,
             parent, e->link);
      }
      if (e != nullptr) return;
      parent = dir_name(parent);
    }
  }

  FileTree& tree_;
  const FlattenOptions& options_;
  uint16_t layer_;
  std::string_view name_;
  uint64_t& next_inode_;
  uint64_t& entries_seen_;
  LayerWarnings warnings_;
  std::set<std::string, std::less<>> implicit_;  // parents made up in this layer
  std::string checked_parent_;  // the last parent found to be a chain of directories
};

// Adds directories that lost their entry (a lower directory whited out while this layer
// still had entries below it).
void add_missing_parents(FileTree& tree) {
  std::set<std::string> missing;
  for (const auto& [path, e] : tree.entries()) {
    std::string_view parent = dir_name(path);
    while (!path.empty() && !parent.empty() && tree.find(parent) == nullptr) {
      missing.insert(std::string(parent));
      parent = dir_name(parent);
    }
  }
  for (const auto& dir : missing) {
    const Entry* child = &tree.entries().lower_bound(dir + "/")->second;
    tree.warnings.push_back(
        fmt::format("directory {} has no entry of its own, created as root-owned 0755", dir));
    tree.insert(implicit_dir(dir, child->layer));
  }
}

std::string short_digest(const Digest& d) {
  return fmt::format("{}:{}…", d.algorithm, d.hex.substr(0, 12));
}

}  // namespace

Flattener::Flattener(FlattenOptions options)
    : options_(std::move(options)),
      tree_(options_.keep_contents ? FileTree(std::make_shared<ContentStore>(options_.spool_dir))
                                   : FileTree()) {}

void Flattener::apply(ReadStream& layer, std::string_view name, std::string_view digest) {
  if (next_layer_ == UINT16_MAX) fail("{}: too many layers (the limit is {})", name, UINT16_MAX);
  LayerApplier(tree_, options_, next_layer_, name, next_inode_, entries_seen_).run(layer);
  if (digest.empty()) chain_broken_ = true;
  if (!chain_broken_) {
    chain_ = sha256_of(fmt::format("{} {}", chain_, digest)).hex;
    tree_.set_layer_chain(next_layer_, chain_);
  }
  ++next_layer_;
}

FileTree Flattener::finish() {
  tree_.seal_layer_contents();
  add_missing_parents(tree_);
  return std::move(tree_);
}

FileTree flatten_image(ImageSource& source, const Image& image, const FlattenOptions& options) {
  Flattener flattener(options);
  const auto& layers = image.manifest.layers;
  source.prefetch(layers);
  for (size_t i = 0; i < layers.size(); ++i) {
    auto in = open_blob(source, layers[i]);
    flattener.apply(
        *in, fmt::format("layer {}/{} ({})", i + 1, layers.size(), short_digest(layers[i].digest)),
        layers[i].digest.str());
  }
  return flattener.finish();
}

}  // namespace imgstrip
