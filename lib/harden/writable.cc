#include "harden/writable.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/path.h"

namespace imgstrip {
namespace {

// Package managers' own state: kept so the image stays inspectable, never written by the
// application.
constexpr std::array<std::string_view, 14> kPackageState = {
    "var/lib/dpkg", "var/lib/apt",       "var/lib/ucf",        "var/lib/apk",     "var/lib/rpm",
    "var/lib/pam",  "var/lib/misc",      "var/lib/systemd",    "var/lib/dbus",    "var/cache/apt",
    "var/log/apt",  "var/cache/debconf", "var/cache/ldconfig", "var/lib/usrmerge"};

// The reason a kept directory is writable, or "" when it is not.
std::string_view kind_of(std::string_view path) {
  if (path == "tmp" || path == "var/tmp") return "temporary directory";
  if (path == "run") return "runtime directory";
  for (std::string_view p : kPackageState) {
    if (path == p) return "";
  }
  struct Parent {
    std::string_view dir;
    std::string_view reason;
  };
  constexpr std::array<Parent, 6> parents = {{{"run/", "runtime directory"},
                                              {"var/run/", "runtime directory"},
                                              {"var/log/", "log directory"},
                                              {"var/lib/", "state directory"},
                                              {"var/cache/", "cache directory"},
                                              {"var/spool/", "spool directory"}}};
  for (const Parent& p : parents) {
    if (path.starts_with(p.dir) && path.size() > p.dir.size() &&
        path.find('/', p.dir.size()) == std::string_view::npos) {
      return p.reason;
    }
  }
  return "";
}

bool below(std::string_view path, std::string_view dir) {
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

// A writable directory at `path` (relative), with the owner and mode the image gives it.
WritableDir place(const HardenInput& input, std::string path, std::string reason, bool volume) {
  WritableDir dir{std::move(path), std::move(reason), volume, 0, 0755};
  auto k = std::find_if(input.kept.begin(), input.kept.end(),
                        [&](const KeptPath& kp) { return kp.path == dir.path; });
  if (k != input.kept.end() && k->path == dir.path) {
    dir.uid = k->uid;
    dir.mode = k->mode;
  }
  return dir;
}

}  // namespace

std::vector<WritableDir> writable_dirs(const HardenInput& input) {
  std::vector<WritableDir> all;
  for (const std::string& v : input.volumes) {
    std::string path = strip_slashes(v);
    if (path.empty()) continue;  // VOLUME / makes no sense; ignore it
    all.push_back(place(input, path, "declared volume", true));
  }
  for (const KeptPath& k : input.kept) {
    if (k.type != FileType::Directory) continue;
    std::string_view reason = kind_of(k.path);
    if (!reason.empty()) all.push_back({k.path, std::string(reason), false, k.uid, k.mode});
  }
  for (const WrittenPlace& w : input.script_writes)
    all.push_back(place(input, w.path, w.why, false));
  for (const std::string& w : input.writable_paths) {
    std::string path = strip_slashes(w);
    if (!path.empty()) all.push_back(place(input, path, "requested (--writable)", false));
  }
  std::sort(all.begin(), all.end(), [](const WritableDir& a, const WritableDir& b) {
    return a.path != b.path ? a.path < b.path : a.volume > b.volume;
  });
  std::vector<WritableDir> out;
  for (const WritableDir& d : all) {
    bool covered = std::any_of(out.begin(), out.end(), [&](const WritableDir& o) {
      return o.path == d.path || below(d.path, o.path);
    });
    if (!covered) out.push_back(d);
  }
  for (WritableDir& d : out) {
    d.content = std::any_of(input.kept.begin(), input.kept.end(),
                            [&](const KeptPath& k) { return below(k.path, d.path); });
  }
  return out;
}

}  // namespace imgstrip
