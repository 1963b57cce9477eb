#include "resolve/keep_set.h"

#include "core/path.h"
#include "elf/symlink_chain.h"

namespace imgstrip {
namespace {

constexpr int kMaxLinks = 40;

}  // namespace

std::string abs_path(std::string_view path) {
  return "/" + std::string(path);
}

std::string_view reason_kind_name(ReasonKind kind) {
  switch (kind) {
    case ReasonKind::Package:
      return "package";
    case ReasonKind::File:
      return "file";
    case ReasonKind::Entrypoint:
      return "entrypoint";
    case ReasonKind::Interpreter:
      return "interpreter";
    case ReasonKind::Command:
      return "command";
    case ReasonKind::Needed:
      return "needed";
    case ReasonKind::Interp:
      return "interp";
    case ReasonKind::Dlopen:
      return "dlopen";
    case ReasonKind::ConfigRef:
      return "config-reference";
    case ReasonKind::Essential:
      return "essential";
    case ReasonKind::SymlinkTarget:
      return "symlink-target";
    case ReasonKind::Symlink:
      return "symlink";
    case ReasonKind::Parent:
      return "parent";
    case ReasonKind::UnownedEntry:
      return "unowned-entry";
    case ReasonKind::Generated:
      return "generated";
    case ReasonKind::Application:
      return "application";
    case ReasonKind::Import:
      return "import";
  }
  return "unknown";
}

std::string Reason::text() const {
  return detail.empty() ? std::string(reason_kind_name(kind)) : detail;
}

bool KeepSet::add_one(const std::string& path, const Reason& reason) {
  auto [it, fresh] = reasons_.try_emplace(path);
  for (auto& r : it->second) {
    if (r.kind == reason.kind && r.detail == reason.detail) return fresh;
  }
  // Parent reasons are implied by any other; keep the list short.
  if (!fresh && reason.kind == ReasonKind::Parent) return false;
  it->second.push_back(reason);
  if (fresh) order_.push_back(path);
  return fresh;
}

void KeepSet::add_raw(const std::string& path, const Reason& reason) {
  add_one(strip_slashes(path), reason);
}

bool KeepSet::add(std::string_view path, const Reason& reason) {
  return add_at(path, reason, 0);
}

bool KeepSet::add_at(std::string_view raw, const Reason& reason, int depth) {
  if (tree_ == nullptr || depth > kMaxLinks) return false;
  std::string path = strip_slashes(raw);
  if (path.empty()) return false;
  auto r = tree_->lookup(path, false);
  if (!r || r->entry == nullptr) return false;
  const std::string real = r->path;
  if (real.empty()) return false;
  if (excluded_ && (excluded_(real) || excluded_(path))) {
    excluded_hits_.insert(real);
    return false;
  }
  // The symlinks passed in the parent directories stay links (lib -> usr/lib).
  if (real != path) {
    ReadLink readlink = [this](std::string_view p) -> std::optional<std::string> {
      const Entry* e = tree_->find(p);
      if (e == nullptr || e->type != FileType::Symlink) return std::nullopt;
      return e->link;
    };
    for (auto& hop : symlink_chain(*tree_, dir_name(path), readlink)) {
      add_at(hop.path, {ReasonKind::Symlink, "on the way to " + abs_path(real), real}, depth + 1);
    }
  }
  if (!add_one(real, reason)) return true;
  for (std::string_view d = dir_name(real); !d.empty(); d = dir_name(d)) {
    if (contains(d)) break;
    add_one(std::string(d), {ReasonKind::Parent, "parent of " + abs_path(real), real});
  }
  if (r->entry->type == FileType::Symlink) {
    const std::string& link = r->entry->link;
    std::string target = link.starts_with('/') ? link : std::string(dir_name(real)) + "/" + link;
    add_at(target, {ReasonKind::SymlinkTarget, "target of " + abs_path(real), real}, depth + 1);
  }
  return true;
}

size_t KeepSet::add_tree(std::string_view path, const Reason& reason,
                         const std::function<bool(const std::string&)>& skip) {
  size_t before = reasons_.size();
  if (!add(path, reason)) return 0;
  auto r = tree_->lookup(strip_slashes(path), true);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Directory || r->path.empty()) {
    return reasons_.size() - before;
  }
  std::string prefix = r->path + "/";
  const auto& all = tree_->entries();
  for (auto it = all.lower_bound(prefix); it != all.end() && it->first.starts_with(prefix); ++it) {
    if (skip && skip(it->first)) continue;
    add_at(it->first, reason, 0);
  }
  return reasons_.size() - before;
}

const std::vector<Reason>& KeepSet::reasons(std::string_view path) const {
  static const std::vector<Reason> kNone;
  auto it = reasons_.find(strip_slashes(path));
  return it == reasons_.end() ? kNone : it->second;
}

std::vector<std::string> KeepSet::why(std::string_view path) const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::string p = strip_slashes(path);
  while (seen.insert(p).second) {
    auto it = reasons_.find(p);
    if (it == reasons_.end() || it->second.empty()) break;
    const Reason& r = it->second.front();
    out.push_back(abs_path(p) + ": " + r.text());
    if (r.from.empty()) break;
    p = r.from;
  }
  return out;
}

std::set<std::string> KeepSet::paths() const {
  std::set<std::string> out;
  for (auto& [p, _] : reasons_)
    out.insert(p);
  return out;
}

}  // namespace imgstrip
