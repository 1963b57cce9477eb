#include "pkgdb/apk.h"

#include <charconv>

#include "core/error.h"

namespace imgstrip {
namespace {

constexpr std::string_view kInstalled = "lib/apk/db/installed";
constexpr size_t kLimit = 256u << 20;

// "so:libc.musl-x86_64.so.1=1", "busybox>=1.36", "nginx~1.24" -> name and constraint.
Dependency parse_atom(std::string_view atom) {
  Dependency d;
  size_t op = atom.find_first_of("<>=~");
  d.name = std::string(atom.substr(0, op));
  if (op != std::string_view::npos) {
    size_t version = atom.find_first_not_of("<>=~", op);
    std::string_view ops =
        atom.substr(op, version == std::string_view::npos ? atom.size() - op : version - op);
    std::string_view ver = version == std::string_view::npos ? "" : atom.substr(version);
    d.constraint = ver.empty() ? std::string(ops) : fmt::format("{} {}", ops, ver);
  }
  return d;
}

bool has_dot_component(std::string_view path) {
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "." || part == "..") return true;
    i = j + 1;
  }
  return false;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = s.find_first_not_of(" \t", i);
    if (start == std::string_view::npos) break;
    size_t end = s.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    i = end;
  }
  return out;
}

}  // namespace

std::vector<Package> parse_apk_installed(std::string_view text, std::string_view file) {
  std::vector<Package> packages;
  Package current;
  bool open = false;
  size_t start_line = 0;
  std::string dir;  // the last F:
  bool have_dir = false;
  auto finish = [&] {
    if (open) {
      if (current.name.empty()) {
        fail("{}:{}: package entry without a P: (name) line", file, start_line);
      }
      if (current.source.empty()) current.source = current.name;
      packages.push_back(std::move(current));
    }
    current = Package();
    open = false;
    dir.clear();
    have_dir = false;
  };
  size_t lineno = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      finish();
      continue;
    }
    if (line.size() < 2 || line[1] != ':') {
      fail("{}:{}: not a 'K:value' line", file, lineno);
    }
    if (!open) {
      open = true;
      start_line = lineno;
      current.origin = fmt::format("{}:{}", file, lineno);
    }
    char key = line[0];
    std::string_view value = line.substr(2);
    switch (key) {
      case 'P':
        if (!current.name.empty()) {
          fail("{}:{}: second P: line in one package entry (missing blank line?)", file, lineno);
        }
        if (value.empty() || value.find_first_of(" \t") != std::string_view::npos) {
          fail("{}:{}: invalid package name '{}'", file, lineno, value);
        }
        current.name = std::string(value);
        break;
      case 'V':
        current.version = std::string(value);
        break;
      case 'A':
        current.architecture = std::string(value);
        break;
      case 'o':
        current.source = std::string(value);
        break;
      case 'I': {
        uint64_t size = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), size);
        if (ec != std::errc() || end != value.data() + value.size()) {
          fail("{}:{}: installed size '{}' is not a number", file, lineno, value);
        }
        current.installed_size = size;
        break;
      }
      case 'D':
        for (auto w : words(value)) {
          if (w.front() == '!') continue;  // a conflict, not a requirement
          current.depends.push_back({parse_atom(w)});
        }
        break;
      case 'p':
        for (auto w : words(value))
          current.provides.push_back(parse_atom(w));
        break;
      case 'F':
        while (!value.empty() && value.front() == '/')
          value.remove_prefix(1);
        while (!value.empty() && value.back() == '/')
          value.remove_suffix(1);
        if (has_dot_component(value)) fail("{}:{}: invalid directory '{}'", file, lineno, value);
        dir = std::string(value);
        have_dir = true;
        if (!dir.empty()) current.files.push_back(dir);
        break;
      case 'R':
        if (value.empty() || value.find('/') != std::string_view::npos || value == "." ||
            value == "..") {
          fail("{}:{}: invalid file name '{}'", file, lineno, value);
        }
        if (!have_dir) fail("{}:{}: R: (file) before any F: (directory)", file, lineno);
        current.files.push_back(dir.empty() ? std::string(value)
                                            : fmt::format("{}/{}", dir, value));
        break;
      default:
        break;  // checksums, owners, modes, maintainer, ...
    }
  }
  finish();
  return packages;
}

std::vector<Package> read_apk(const RootFs& root) {
  auto text = root.read(kInstalled, kLimit);
  if (!text) return {};
  return parse_apk_installed(*text, kInstalled);
}

}  // namespace imgstrip
