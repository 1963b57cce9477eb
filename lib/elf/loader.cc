#include "elf/loader.h"

#include <elf.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/path.h"
#include "elf/ld_so_conf.h"

namespace imgstrip {
namespace {

// Subdirectories older glibc (before 2.37) searched inside each directory, depending on
// the CPU: platform names, hwcap names and "tls". Only those present are looked into.
constexpr const char* kLegacySubdirs[] = {"tls",  "haswell", "xeon_phi", "avx512_1", "x86_64",
                                          "i686", "i586",    "sse2",     "cmov",     "v7l",
                                          "v6l",  "neon",    "vfp",      "aarch64",  "atomics"};

// Drops empty and "." components and the leading '/'; keeps ".." so that the file system
// resolves it after symlinks, as the kernel does.
std::string clean_path(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    i = j + 1;
  }
  return out;
}

bool musl_builtin(std::string_view name) {
  if (name.substr(0, 3) != "lib") return false;
  for (std::string_view r : {"c.", "pthread.", "rt.", "m.", "dl.", "util.", "xnet."}) {
    if (name.substr(3, r.size()) == r) return true;
  }
  return false;
}

std::string describe(const ElfHeader& h) {
  return fmt::format("{} {} {}", class_name(h.elf_class),
                     h.endian == ElfEndian::Little ? "LSB" : "MSB", machine_name(h.machine));
}

std::string describe(const ElfAbi& a) {
  ElfHeader h;
  h.elf_class = a.elf_class;
  h.endian = a.endian;
  h.machine = a.machine;
  return describe(h);
}

}  // namespace

std::string_view flavor_name(LoaderFlavor f) {
  return f == LoaderFlavor::Musl ? "musl" : "glibc";
}

LoaderFlavor loader_flavor(std::string_view interp) {
  size_t slash = interp.rfind('/');
  std::string_view base = slash == std::string_view::npos ? interp : interp.substr(slash + 1);
  return base.substr(0, 8) == "ld-musl-" ? LoaderFlavor::Musl : LoaderFlavor::Glibc;
}

std::vector<std::string> multiarch_triplets(const ElfAbi& abi) {
  bool wide = abi.elf_class == ElfClass::Elf64;
  bool little = abi.endian == ElfEndian::Little;
  switch (abi.machine) {
    case EM_X86_64:
      return {wide ? "x86_64-linux-gnu" : "x86_64-linux-gnux32"};
    case EM_386:
      return {"i386-linux-gnu"};
    case EM_AARCH64:
      return {little ? "aarch64-linux-gnu" : "aarch64_be-linux-gnu"};
    case EM_ARM:
      return {"arm-linux-gnueabihf", "arm-linux-gnueabi"};
    case EM_PPC64:
      return {little ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu"};
    case EM_PPC:
      return {"powerpc-linux-gnu"};
    case EM_S390:
      return {wide ? "s390x-linux-gnu" : "s390-linux-gnu"};
    case EM_RISCV:
      return {wide ? "riscv64-linux-gnu" : "riscv32-linux-gnu"};
    case EM_LOONGARCH:
      return {"loongarch64-linux-gnu"};
    case EM_SPARCV9:
      return {"sparc64-linux-gnu"};
    case EM_MIPS:
      if (wide) return {little ? "mips64el-linux-gnuabi64" : "mips64-linux-gnuabi64"};
      return {little ? "mipsel-linux-gnu" : "mips-linux-gnu"};
    default:
      return {};
  }
}

std::vector<std::string> glibc_default_dirs(const ElfAbi& abi) {
  std::vector<std::string> dirs;
  for (auto& t : multiarch_triplets(abi)) {
    dirs.push_back("lib/" + t);
    dirs.push_back("usr/lib/" + t);
  }
  if (abi.elf_class == ElfClass::Elf64) {
    dirs.push_back("lib64");
    dirs.push_back("usr/lib64");
  } else if (abi.machine == EM_X86_64) {
    dirs.push_back("libx32");
    dirs.push_back("usr/libx32");
  }
  dirs.push_back("lib");
  dirs.push_back("usr/lib");
  return dirs;
}

std::string default_platform(const ElfAbi& abi) {
  switch (abi.machine) {
    case EM_X86_64:
      return "x86_64";
    case EM_386:
      return "i686";
    case EM_ARM:
      return "v7l";
    default:
      return machine_name(abi.machine);
  }
}

LibrarySearch::LibrarySearch(const RootFs& fs, LoaderEnv env) : fs_(fs), env_(std::move(env)) {}

std::vector<std::string> LibrarySearch::expand_tokens(std::string_view entry,
                                                      std::string_view origin,
                                                      const ElfAbi& abi) const {
  std::vector<std::string> out{""};
  auto append = [&](const std::vector<std::string>& alternatives) {
    std::vector<std::string> next;
    for (auto& o : out) {
      for (auto& a : alternatives)
        next.push_back(o + a);
    }
    out = std::move(next);
  };
  size_t i = 0;
  while (i < entry.size()) {
    if (entry[i] != '$') {
      size_t j = entry.find('$', i);
      if (j == std::string_view::npos) j = entry.size();
      append({std::string(entry.substr(i, j - i))});
      i = j;
      continue;
    }
    std::string_view token;
    size_t end;
    if (i + 1 < entry.size() && entry[i + 1] == '{') {
      size_t close = entry.find('}', i + 2);
      if (close == std::string_view::npos) {
        append({std::string(entry.substr(i))});
        break;
      }
      token = entry.substr(i + 2, close - i - 2);
      end = close + 1;
    } else {
      size_t j = i + 1;
      while (j < entry.size() &&
             (isalnum(static_cast<unsigned char>(entry[j])) || entry[j] == '_')) {
        ++j;
      }
      token = entry.substr(i + 1, j - i - 1);
      end = j;
    }
    if (token == "ORIGIN") {
      append({"/" + std::string(origin)});
    } else if (token == "LIB") {
      std::vector<std::string> libs;
      for (auto& t : multiarch_triplets(abi))
        libs.push_back("lib/" + t);
      if (abi.elf_class == ElfClass::Elf64) libs.push_back("lib64");
      libs.push_back("lib");
      append(libs);
    } else if (token == "PLATFORM") {
      append({env_.platform.value_or(default_platform(abi))});
    } else {  // not a token the loader knows: kept as written
      append({std::string(entry.substr(i, end - i))});
    }
    i = end;
  }
  for (auto& o : out)
    o = clean_path(o);
  return out;
}

void LibrarySearch::add_path_list(std::vector<std::pair<std::string, std::string>>& out,
                                  std::string_view list, std::string_view origin, const ElfAbi& abi,
                                  const std::string& why) {
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find(':', i);
    if (j == std::string_view::npos) j = list.size();
    std::string_view entry = list.substr(i, j - i);
    i = j + 1;
    if (entry.empty()) continue;  // the current directory: unknown without running
    for (auto& dir : expand_tokens(entry, origin, abi))
      out.emplace_back(dir, why);
  }
}

const std::vector<std::string>& LibrarySearch::conf_dirs() {
  if (!conf_dirs_) conf_dirs_ = ld_so_conf_dirs(fs_, &notes_);
  return *conf_dirs_;
}

std::vector<std::pair<std::string, std::string>> LibrarySearch::search_dirs(
    const std::vector<SearchScope>& chain, const ElfAbi& abi, LoaderFlavor flavor,
    std::string_view interp) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string main_origin = chain.empty() ? std::string() : chain.back().origin;
  auto add_env = [&] {
    for (auto& e : env_.ld_library_path)
      add_path_list(out, e, main_origin, abi, "LD_LIBRARY_PATH");
  };
  if (flavor == LoaderFlavor::Musl) {
    add_env();
    for (auto& s : chain) {
      const auto& list = s.runpath ? s.runpath : s.rpath;
      if (list) {
        add_path_list(out, *list, s.origin, abi,
                      fmt::format("{} of {}", s.runpath ? "DT_RUNPATH" : "DT_RPATH", s.path));
      }
    }
    bool found = false;
    auto dirs = musl_path_dirs(fs_, interp, &found);
    if (found) {
      for (auto& d : dirs)
        out.emplace_back(d, "/" + musl_path_file(interp));
    } else {
      for (auto d : {"lib", "usr/local/lib", "usr/lib"})
        out.emplace_back(d, "default directory");
    }
  } else {
    if (!chain.empty() && !chain[0].runpath) {
      for (auto& s : chain) {
        if (s.rpath && !s.runpath) {
          add_path_list(out, *s.rpath, s.origin, abi, "DT_RPATH of " + s.path);
        }
      }
    }
    add_env();
    if (!chain.empty() && chain[0].runpath) {
      add_path_list(out, *chain[0].runpath, chain[0].origin, abi, "DT_RUNPATH of " + chain[0].path);
    }
    if (chain.empty() || !chain[0].nodeflib) {
      for (auto& d : conf_dirs())
        out.emplace_back(d, "/etc/ld.so.conf");
      for (auto& d : glibc_default_dirs(abi))
        out.emplace_back(d, "default directory");
    }
  }
  // A directory searched twice finds nothing new the second time.
  std::set<std::string> seen;
  std::vector<std::pair<std::string, std::string>> unique;
  for (auto& e : out) {
    if (seen.insert(e.first).second) unique.push_back(std::move(e));
  }
  return unique;
}

const std::vector<std::string>& LibrarySearch::variant_dirs(const std::string& dir, bool hwcaps) {
  std::string key = (hwcaps ? "1" : "0") + dir;
  auto it = variants_.find(key);
  if (it != variants_.end()) return it->second;
  std::vector<std::string> subdirs;
  if (hwcaps && fs_.resolve(dir)) {
    auto names = fs_.list(child_path(dir, "glibc-hwcaps"));
    std::sort(names.rbegin(), names.rend());  // x86-64-v4 before -v3 before -v2
    for (auto& n : names)
      subdirs.push_back("glibc-hwcaps/" + n);
    for (auto* legacy : kLegacySubdirs) {
      if (fs_.resolve(child_path(dir, legacy))) subdirs.push_back(legacy);
    }
  }
  return variants_.emplace(key, std::move(subdirs)).first->second;
}

std::optional<std::string> LibrarySearch::accept(const std::string& path, const ElfAbi& abi,
                                                 std::vector<std::string>& skipped) {
  auto real = fs_.resolve(path);
  if (!real) return std::nullopt;
  auto it = headers_.find(*real);
  if (it == headers_.end()) {
    std::optional<ElfHeader> h;
    try {
      if (auto bytes = fs_.read_head(*real, sizeof(Elf64_Ehdr))) h = try_read_elf_header(*bytes);
    } catch (const Error&) {
    }
    it = headers_.emplace(*real, h).first;
  }
  if (!it->second) {
    skipped.push_back(fmt::format("{}: not a readable ELF file", path));
    return std::nullopt;
  }
  if (!abi.accepts(*it->second)) {
    skipped.push_back(fmt::format("{}: {}, needs {}", path, describe(*it->second), describe(abi)));
    return std::nullopt;
  }
  return real;
}

SearchResult LibrarySearch::find(std::string_view name, const std::vector<SearchScope>& chain,
                                 const ElfAbi& abi, LoaderFlavor flavor, std::string_view interp) {
  SearchResult result;
  if (name.empty()) return result;
  if (flavor == LoaderFlavor::Musl && musl_builtin(name) && !interp.empty()) {
    std::string path = clean_path(interp);
    if (auto real = fs_.resolve(path)) {
      result.match = LibraryMatch{path, *real, "provided by the musl loader itself", {}};
    }
    return result;
  }
  if (name.find('/') != std::string_view::npos) {
    std::string path = clean_path(name);
    if (auto real = accept(path, abi, result.skipped)) {
      result.match = LibraryMatch{path, *real, "path in DT_NEEDED", {}};
    }
    return result;
  }
  for (auto& [dir, why] : search_dirs(chain, abi, flavor, interp)) {
    std::vector<std::pair<std::string, std::string>> found;  // variants: lexical, real
    for (auto& sub : variant_dirs(dir, flavor == LoaderFlavor::Glibc)) {
      std::string path = child_path(child_path(dir, sub), name);
      if (auto real = accept(path, abi, result.skipped)) found.emplace_back(path, *real);
    }
    std::string base = child_path(dir, name);
    std::optional<std::string> base_real = accept(base, abi, result.skipped);
    if (!base_real && found.empty()) continue;
    LibraryMatch m;
    m.via = why;
    if (base_real) {
      m.path = base;
      m.real_path = *base_real;
    } else {
      m.path = found.front().first;
      m.real_path = found.front().second;
      found.erase(found.begin());
    }
    for (auto& f : found)
      m.variants.push_back(f.first);
    result.match = std::move(m);
    return result;
  }
  return result;
}

}  // namespace imgstrip
