#include "harden/lockdown.h"

#include <fmt/format.h>

#include <charconv>

#include "harden/input.h"
#include "harden/run_user.h"

namespace imgstrip {
namespace {

bool below_or_at(std::string_view path, std::string_view dir) {
  return path == dir ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

std::string octal(uint32_t mode) {
  return fmt::format("{:04o}", mode & 07777);
}

struct Rules {
  FileTree& tree;
  const LockdownInput& input;
  std::optional<UserIds> user;
  bool non_root = false;
  Lockdown out;

  bool writable(std::string_view path) const {
    for (const WritableDir& w : input.writable) {
      if (below_or_at(path, w.path)) return true;
    }
    return false;
  }

  // setid: what a non-root user runs keeps its bit; everything else loses it.
  std::string setid(Entry& e) {
    if (e.type != FileType::Regular || (e.mode & 06000) == 0) return "";
    auto run = input.executed.find(e.path);
    if (non_root && run != input.executed.end()) {
      out.setid_kept[e.path] = fmt::format("{} runs it as user {}", run->second, input.user);
      return "";
    }
    uint32_t bits = e.mode & 06000;
    e.mode &= ~06000u;
    std::string what = bits == 06000   ? "setuid and setgid bits"
                       : bits == 04000 ? "setuid bit"
                                       : "setgid bit";
    if (!non_root) return what + ": the image starts as root";
    return what + ": nothing the image runs uses the program";
  }

  // world: no world-writable entry but sticky directories.
  std::string world(Entry& e) {
    // Device nodes (/dev/null is 0666), fifos and sockets are what they are.
    bool file_or_dir = e.type == FileType::Regular || e.type == FileType::Directory;
    if (!file_or_dir || (e.mode & 0002) == 0) return "";
    if (e.type == FileType::Directory && (e.mode & 01000) != 0) return "";
    e.mode &= ~0002u;
    return e.type == FileType::Directory ? "world-writable directory without the sticky bit"
                                         : "world-writable file";
  }

  std::string file_head(const Entry& e) const {
    char buf[4];
    size_t got = 0;
    auto in = tree.open(e);
    while (got < sizeof buf) {
      size_t n = in->read(buf + got, sizeof buf - got);
      if (n == 0) break;
      got += n;
    }
    return std::string(buf, got);
  }

  // exec: bits stay on what can be executed and on what something runs.
  std::string exec(Entry& e) {
    if (e.type != FileType::Regular || (e.mode & 0111) == 0) return "";
    std::string why;
    if (auto run = input.executed.find(e.path); run != input.executed.end()) {
      why = run->second;
    } else if (e.size == 0) {
      why = "empty file (a shell runs it as an empty script)";
    } else if (!tree.has_contents() || e.content == kNoContent) {
      why = "contents not stored";
    } else {
      std::string head = file_head(e);
      if (head.starts_with("\x7f"
                           "ELF")) {
        why = "ELF file";
      } else if (head.starts_with("#!")) {
        why = "#! script";
      }
    }
    if (!why.empty()) {
      if (e.path.starts_with("etc/") || e.path.starts_with("usr/share/")) {
        out.exec_kept_in_data_dirs[e.path] = why;
      }
      return "";
    }
    e.mode &= ~0111u;
    return "execute bits: neither a program, a script nor run by anything";
  }

  // owner: the run user does not own what it never writes.
  std::string owner(Entry& e) {
    if (!non_root || !user || user->uid == 0 || e.type == FileType::Symlink) return "";
    if (writable(e.path)) return "";
    std::string why;
    if (e.uid == user->uid) {
      e.uid = 0;
      e.uname = "root";
      why = fmt::format("owned by the user the image runs as ({}), outside the writable paths",
                        user->uid);
    }
    if (e.gid == user->gid && (e.mode & 0020) != 0) {
      e.mode &= ~0020u;
      why += std::string(why.empty() ? "" : "; ") +
             fmt::format("group-writable by the group the image runs as ({})", user->gid);
    }
    return why;
  }
};

}  // namespace

Lockdown lock_down(FileTree& tree, const std::set<std::string>& paths, const LockdownInput& input) {
  Rules rules{tree, input, user_ids(tree, input.user), !starts_as_root(input.user), {}};
  if (rules.non_root && !rules.user) {
    rules.out.notes.push_back(fmt::format(
        "the image runs as \"{}\", which etc/passwd does not name: owners are left as they are",
        input.user));
  }
  if (rules.user) {
    rules.out.run_uid = rules.user->uid;
    rules.out.run_gid = rules.user->gid;
  }
  std::vector<Entry> changed;
  for (const std::string& path : paths) {
    const Entry* found = tree.find(path);
    if (found == nullptr) continue;
    const Entry& original = *found;
    Entry e = original;
    std::string why;
    for (std::string part : {rules.setid(e), rules.world(e), rules.exec(e), rules.owner(e)}) {
      if (part.empty()) continue;
      why += (why.empty() ? "" : "; ") + part;
    }
    if (why.empty()) continue;
    rules.out.changes.push_back(
        {path, original.mode, e.mode, original.uid, e.uid, original.gid, e.gid, std::move(why)});
    changed.push_back(std::move(e));
  }
  for (Entry& e : changed)
    tree.insert(std::move(e));
  return std::move(rules.out);
}

Json Lockdown::json() const {
  Json list = Json::array();
  for (const ModeChange& c : changes) {
    Json j = {
        {"path", "/" + c.path}, {"before", octal(c.mode_before)}, {"after", octal(c.mode_after)}};
    if (c.uid_before != c.uid_after || c.gid_before != c.gid_after) {
      j["owner_before"] = fmt::format("{}:{}", c.uid_before, c.gid_before);
      j["owner_after"] = fmt::format("{}:{}", c.uid_after, c.gid_after);
    }
    j["why"] = c.why;
    list.push_back(std::move(j));
  }
  Json setid = Json::object();
  for (const auto& [path, why] : setid_kept)
    setid["/" + path] = why;
  Json exec = Json::object();
  for (const auto& [path, why] : exec_kept_in_data_dirs)
    exec["/" + path] = why;
  Json j = {{"changes", list}, {"setid_kept", setid}, {"exec_in_data_dirs", exec}};
  if (run_uid) j["run_as"] = fmt::format("{}:{}", *run_uid, run_gid.value_or(0));
  if (!notes.empty()) j["notes"] = notes;
  return j;
}

}  // namespace imgstrip
