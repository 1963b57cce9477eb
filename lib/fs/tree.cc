#include "fs/tree.h"

#include "core/error.h"

namespace imgstrip {
namespace {

// The normal form of `path`, or nullopt when it has a ".." part.
std::optional<std::string> normal_form(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return std::nullopt;
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// Splits `path` into its parts, pushed in reverse order on `todo` (so the first part is
// popped first).
void push_parts(std::vector<std::string_view>& todo, std::string_view path) {
  size_t end = path.size();
  while (end > 0) {
    size_t slash = path.rfind('/', end - 1);
    size_t begin = slash == std::string_view::npos ? 0 : slash + 1;
    if (end > begin) todo.push_back(path.substr(begin, end - begin));
    if (slash == std::string_view::npos) break;
    end = slash;
  }
}

Entry root_entry() {
  Entry root;
  root.type = FileType::Directory;
  root.mode = 0755;
  return root;
}

// The end of the range of paths below `dir` ("dir/..."): "dir0", as '0' follows '/'.
std::string below_end(std::string_view dir) {
  return std::string(dir) + char('/' + 1);
}

// Keeps the spool file alive while a stream over it is open.
class StoreReader : public ReadStream {
 public:
  StoreReader(std::shared_ptr<ContentStore> store, std::unique_ptr<ReadStream> inner)
      : store_(std::move(store)), inner_(std::move(inner)) {}
  size_t read(void* buf, size_t n) override { return inner_->read(buf, n); }

 private:
  std::shared_ptr<ContentStore> store_;
  std::unique_ptr<ReadStream> inner_;
};

}  // namespace

std::string_view file_type_name(FileType t) {
  switch (t) {
    case FileType::Regular:
      return "file";
    case FileType::Directory:
      return "directory";
    case FileType::Symlink:
      return "symlink";
    case FileType::CharDevice:
      return "character device";
    case FileType::BlockDevice:
      return "block device";
    case FileType::Fifo:
      return "fifo";
    case FileType::Socket:
      return "socket";
  }
  return "unknown";
}

FileTree::FileTree() {
  entries_.emplace("", root_entry());
}

FileTree::FileTree(std::shared_ptr<ContentStore> contents) : FileTree() {
  contents_ = std::move(contents);
}

std::string FileTree::normalize(std::string_view path) {
  auto out = normal_form(path);
  if (!out) fail("path \"{}\" has a \"..\" component", path);
  return *out;
}

const Entry* FileTree::find(std::string_view path) const {
  auto it = entries_.find(path);
  if (it != entries_.end()) return &it->second;
  auto normal = normal_form(path);
  if (!normal || *normal == path) return nullptr;
  it = entries_.find(*normal);
  return it == entries_.end() ? nullptr : &it->second;
}

std::optional<Resolved> FileTree::lookup(std::string_view path, bool follow_last) const {
  std::vector<std::string_view> todo;
  push_parts(todo, path);
  std::string done;
  const Entry* entry = find("");
  int links = 0;
  while (!todo.empty()) {
    std::string_view part = todo.back();
    todo.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      size_t slash = done.rfind('/');
      done.resize(slash == std::string::npos ? 0 : slash);
      entry = find(done);
      continue;
    }
    size_t keep = done.size();
    if (!done.empty()) done += '/';
    done += part;
    auto it = entries_.find(done);
    bool last = todo.empty();
    if (it == entries_.end()) {
      if (last) return Resolved{done, nullptr};
      return std::nullopt;
    }
    const Entry& e = it->second;
    if (e.type == FileType::Symlink && (!last || follow_last)) {
      if (++links > 40) return std::nullopt;
      done.resize(keep);
      if (e.link.starts_with('/')) done.clear();
      push_parts(todo, e.link);
      entry = find(done);
      continue;
    }
    if (!last && e.type != FileType::Directory) return std::nullopt;
    entry = &e;
  }
  return Resolved{done, entry};
}

std::vector<const Entry*> FileTree::children(std::string_view dir) const {
  std::vector<const Entry*> out;
  auto normal = normal_form(dir);
  if (!normal) return out;
  std::string prefix = normal->empty() ? "" : *normal + "/";
  auto it = normal->empty() ? entries_.upper_bound("") : entries_.lower_bound(prefix);
  while (it != entries_.end() && it->first.starts_with(prefix)) {
    std::string_view rest = std::string_view(it->first).substr(prefix.size());
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
      out.push_back(&it->second);
      ++it;
    } else {
      it = entries_.lower_bound(
          below_end(std::string_view(it->first).substr(0, prefix.size() + slash)));
    }
  }
  return out;
}

std::unique_ptr<ReadStream> FileTree::open(const Entry& e) const {
  if (e.type != FileType::Regular) {
    fail("cannot read {}: it is a {}, not a regular file", e.path, file_type_name(e.type));
  }
  if (e.size == 0) return std::make_unique<StringReader>("");
  if (!contents_) fail("cannot read {}: the image was flattened without file contents", e.path);
  if (e.content == kNoContent) fail("cannot read {}: its contents were not stored", e.path);
  return std::make_unique<StoreReader>(contents_, contents_->open(e.content, e.size));
}

std::string FileTree::read_start(const Entry& e, size_t n) const {
  auto in = open(e);
  std::string out(static_cast<size_t>(std::min<uint64_t>(e.size, n)), '\0');
  size_t got = 0;
  while (got < out.size()) {
    size_t r = in->read(out.data() + got, out.size() - got);
    if (r == 0) break;
    got += r;
  }
  out.resize(got);
  return out;
}

std::string FileTree::read(const Entry& e, size_t limit) const {
  if (e.size > limit) fail("{} is larger than the limit of {} bytes", e.path, limit);
  auto in = open(e);
  // The size is known: one allocation, read in place (read_all's growth copies dominated
  // the cached seccomp analysis, which reads every kept object).
  std::string out(static_cast<size_t>(e.size), '\0');
  for (size_t at = 0; at < out.size();) {
    size_t got = in->read(out.data() + at, out.size() - at);
    if (got == 0) fail("cannot read {}: its contents end {} bytes early", e.path, out.size() - at);
    at += got;
  }
  return out;
}

std::optional<std::string> FileTree::resolve(std::string_view path) const {
  auto r = lookup(path, true);
  if (!r || r->entry == nullptr) return std::nullopt;
  return std::move(r->path);
}

std::optional<std::string> FileTree::read(std::string_view path, size_t limit) const {
  auto r = lookup(path, true);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) return std::nullopt;
  return read(*r->entry, limit);
}

std::optional<std::string> FileTree::read_head(std::string_view path, size_t n) const {
  auto r = lookup(path, true);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) return std::nullopt;
  const Entry& e = *r->entry;
  std::string out(static_cast<size_t>(std::min<uint64_t>(n, e.size)), '\0');
  if (out.empty()) return out;
  auto in = open(e);
  for (size_t at = 0; at < out.size();) {
    size_t got = in->read(out.data() + at, out.size() - at);
    if (got == 0) fail("cannot read {}: its contents end early", e.path);
    at += got;
  }
  return out;
}

std::optional<std::string> FileTree::content_key(std::string_view path) const {
  auto r = lookup(path, true);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) return std::nullopt;
  const Entry& e = *r->entry;
  // Bytes appended after the layers (rewritten package databases) have no layer to name.
  if (e.content == kNoContent || e.content > sealed_contents_ ||
      e.size > sealed_contents_ - e.content)
    return std::nullopt;
  if (e.layer >= layer_chains_.size() || layer_chains_[e.layer].empty()) return std::nullopt;
  return fmt::format("{} {} {}", layer_chains_[e.layer], e.size, e.path);
}

void FileTree::set_layer_chain(uint16_t layer, std::string chain) {
  if (layer_chains_.size() <= layer) layer_chains_.resize(size_t{layer} + 1);
  layer_chains_[layer] = std::move(chain);
}

void FileTree::seal_layer_contents() {
  sealed_contents_ = contents_ ? contents_->bytes() : 0;
}

std::vector<std::string> FileTree::list(std::string_view path) const {
  std::vector<std::string> names;
  auto r = lookup(path, true);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Directory) return names;
  for (const Entry* e : children(r->path)) {
    size_t slash = e->path.rfind('/');
    names.push_back(slash == std::string::npos ? e->path : e->path.substr(slash + 1));
  }
  return names;
}

void FileTree::insert(Entry e) {
  std::string key = e.path;
  entries_.insert_or_assign(std::move(key), std::move(e));
}

void FileTree::remove(std::string_view path) {
  std::string p = normalize(path);
  if (p.empty()) {
    entries_.clear();
    entries_.emplace("", root_entry());
    return;
  }
  entries_.erase(p);
  entries_.erase(entries_.lower_bound(p + "/"), entries_.lower_bound(below_end(p)));
}

void FileTree::remove_below(std::string_view dir, uint16_t layer) {
  std::string d = normalize(dir);
  auto it = d.empty() ? entries_.upper_bound("") : entries_.lower_bound(d + "/");
  auto end = d.empty() ? entries_.end() : entries_.lower_bound(below_end(d));
  while (it != end) {
    if (it->second.layer < layer) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace imgstrip
