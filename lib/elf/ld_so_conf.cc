#include "elf/ld_so_conf.h"

#include <fnmatch.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/path.h"

#include "core/text.h"

namespace imgstrip {
namespace {

constexpr size_t kMaxConfSize = 1 << 20;
constexpr int kMaxIncludeDepth = 16;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

std::string join_dirs(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return std::string(a) + "/" + std::string(b);
}

bool has_magic(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

struct ConfReader {
  const RootFs& fs;
  std::vector<std::string>* notes;
  std::vector<std::string> dirs;
  std::set<std::string> seen_dirs;
  std::set<std::string> active;  // files being read, to break include loops

  void note(std::string text) {
    if (notes) notes->push_back(std::move(text));
  }

  void read(std::string_view path, int depth) {
    std::string norm = lexical_normal(path);
    if (depth > kMaxIncludeDepth || active.count(norm)) {
      note(fmt::format("{}: include loop or nesting too deep; skipped", norm));
      return;
    }
    std::optional<std::string> text;
    try {
      text = fs.read(norm, kMaxConfSize);
    } catch (const Error& e) {
      note(e.what());
      return;
    }
    if (!text) {
      if (depth > 0) note(fmt::format("{}: included but not readable", norm));
      return;
    }
    active.insert(norm);
    std::string dir(dir_name(norm));
    std::string_view rest = *text;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
      line = trim_line(line);
      if (line.empty()) continue;
      if (line.substr(0, 8) == "include " || line.substr(0, 8) == "include\t") {
        // ldconfig accepts several patterns on one include line.
        std::string_view pats = trim_line(line.substr(8));
        while (!pats.empty()) {
          size_t sp = pats.find_first_of(" \t");
          std::string_view pat = pats.substr(0, sp);
          pats = sp == std::string_view::npos ? std::string_view() : trim_line(pats.substr(sp));
          for (auto& file : glob_in(fs, pat, dir))
            read(file, depth + 1);
        }
        continue;
      }
      if (line.substr(0, 6) == "hwcap " || line.substr(0, 6) == "hwcap\t") continue;
      std::string_view d = line;
      if (size_t eq = d.find('='); eq != std::string_view::npos) d = d.substr(0, eq);  // libc5 type
      std::string norm_dir = lexical_normal(trim_line(d));
      if (seen_dirs.insert(norm_dir).second) dirs.push_back(norm_dir);
    }
    active.erase(norm);
  }
};

void expand(const RootFs& fs, const std::vector<std::string>& parts, size_t i, std::string prefix,
            std::vector<std::string>& out) {
  if (out.size() > 10000) return;  // hostile globs
  if (i == parts.size()) {
    if (fs.resolve(prefix)) out.push_back(prefix);
    return;
  }
  if (!has_magic(parts[i])) {
    expand(fs, parts, i + 1, join_dirs(prefix, parts[i]), out);
    return;
  }
  for (auto& name : fs.list(prefix)) {
    if (::fnmatch(parts[i].c_str(), name.c_str(), FNM_PERIOD) == 0) {
      expand(fs, parts, i + 1, join_dirs(prefix, name), out);
    }
  }
}

}  // namespace

std::string lexical_normal(std::string_view path) {
  std::vector<std::string> out;
  for (auto& p : split_path(path)) {
    if (p == ".") continue;
    if (p == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(p);
  }
  std::string s;
  for (auto& p : out)
    s = join_dirs(s, p);
  return s;
}

std::vector<std::string> glob_in(const RootFs& fs, std::string_view pattern,
                                 std::string_view base_dir) {
  std::string full = !pattern.empty() && pattern.front() == '/' ? std::string(pattern)
                                                                : join_dirs(base_dir, pattern);
  std::vector<std::string> parts;
  for (auto& p : split_path(full)) {
    if (p != ".") parts.push_back(p);
  }
  std::vector<std::string> out;
  expand(fs, parts, 0, "", out);
  for (auto& p : out)
    p = lexical_normal(p);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> ld_so_conf_dirs(const RootFs& fs, std::vector<std::string>* notes,
                                         std::string_view conf) {
  ConfReader r{fs, notes, {}, {}, {}};
  r.read(conf, 0);
  return std::move(r.dirs);
}

std::string musl_path_file(std::string_view interp) {
  size_t slash = interp.rfind('/');
  std::string_view base = slash == std::string_view::npos ? interp : interp.substr(slash + 1);
  constexpr std::string_view kPrefix = "ld-musl-";
  constexpr std::string_view kSuffix = ".so.1";
  if (base.substr(0, kPrefix.size()) != kPrefix || base.size() <= kPrefix.size() + kSuffix.size() ||
      base.substr(base.size() - kSuffix.size()) != kSuffix) {
    return {};
  }
  std::string arch(base.substr(kPrefix.size(), base.size() - kPrefix.size() - kSuffix.size()));
  // musl looks for PREFIX/etc/ld-musl-ARCH.path where PREFIX is the loader's directory's
  // parent ("/lib/ld-musl-x86_64.so.1" -> "/etc/...").
  std::string_view prefix = dir_name(dir_name(interp));
  return lexical_normal(join_dirs(prefix, "etc/ld-musl-" + arch + ".path"));
}

std::vector<std::string> musl_path_dirs(const RootFs& fs, std::string_view interp, bool* found) {
  std::vector<std::string> dirs;
  if (found) *found = false;
  std::string file = musl_path_file(interp);
  if (file.empty()) return dirs;
  std::optional<std::string> text;
  try {
    text = fs.read(file, kMaxConfSize);
  } catch (const Error&) {
    return dirs;
  }
  if (!text) return dirs;
  if (found) *found = true;
  std::string_view rest = *text;
  while (!rest.empty()) {
    size_t sep = rest.find_first_of(":\n");
    std::string_view d = trim_line(rest.substr(0, sep));
    rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
    if (!d.empty()) dirs.push_back(lexical_normal(d));
  }
  return dirs;
}

bool has_ld_so_cache(const RootFs& fs) {
  return fs.resolve("etc/ld.so.cache").has_value();
}

}  // namespace imgstrip
