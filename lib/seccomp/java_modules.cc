#include "seccomp/java_modules.h"

#include <elf.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/error.h"
#include "core/path.h"
#include "core/text.h"
#include "elf/elf_file.h"
#include "java/boot_layer.h"
#include "java/jar_reader.h"
#include "java/jar_walk.h"
#include "java/jimage.h"
#include "java/jni_symbol.h"
#include "java/module_info.h"
#include "seccomp/plugin_entry.h"

namespace imgstrip {

namespace {

constexpr size_t kChunk = size_t{1} << 20;
constexpr size_t kLibraryLimit = size_t{512} << 20;

// Java names also take '$'.
bool name_char(char c) {
  return identifier_char(c) || c == '$';
}

// `name` at `pos` of `data` is a whole name: not part of a longer name or, unless it is a
// `file_name`, of a path (before it, no name character, '.' or '/'; after it, no name
// character nor '.' followed by one). The edges of `data` count as boundaries.
bool whole_name(std::string_view data, size_t pos, size_t len, bool file_name) {
  if (pos > 0) {
    char b = data[pos - 1];
    if (name_char(b) || b == '.' || (b == '/' && !file_name)) return false;
  }
  size_t end = pos + len;
  if (end < data.size()) {
    char a = data[end];
    if (name_char(a)) return false;
    if (a == '.' && end + 1 < data.size() && name_char(data[end + 1])) return false;
  }
  return true;
}

// Which names some bytes hold as whole names (whole_name), and where each was first
// found; the chunks of a stream overlap by more than the longest name.
class Search {
 public:
  explicit Search(std::vector<std::string> needles)
      : needles_(std::move(needles)), where_(needles_.size()) {
    for (const auto& n : needles_)
      longest_ = std::max(longest_, n.size());
  }
  void bytes(std::string_view data, const std::string& where) {
    for (size_t i = 0; i < needles_.size(); ++i) {
      if (!where_[i].empty()) continue;
      for (size_t p = data.find(needles_[i]); p != std::string_view::npos;
           p = data.find(needles_[i], p + 1))
        if (whole_name(data, p, needles_[i].size(), needles_[i].ends_with(".so"))) {
          where_[i] = where;
          break;
        }
    }
  }
  void stream(ReadStream& in, const std::string& where) {
    std::string buf;
    std::vector<char> chunk(kChunk);
    for (;;) {
      size_t n = in.read(chunk.data(), chunk.size());
      if (n == 0) break;
      buf.append(chunk.data(), n);
      bytes(buf, where);
      size_t keep = longest_ + 2;
      if (buf.size() > keep) buf.erase(0, buf.size() - keep);
    }
  }
  // Where `needle` was found; empty when it was not.
  std::string found(const std::string& needle) const {
    for (size_t i = 0; i < needles_.size(); ++i)
      if (needles_[i] == needle) return where_[i];
    return {};
  }

 private:
  std::vector<std::string> needles_;
  std::vector<std::string> where_;
  size_t longest_ = 1;
};

// The package managers' own records (file lists, checksums, scripts' names) name every
// file of every package: they describe the image, nothing reads them to load code.
bool package_records(std::string_view path) {
  return path.starts_with("var/lib/dpkg/") || path.starts_with("var/lib/rpm/") ||
         path.starts_with("usr/lib/sysimage/rpm/") || path.starts_with("lib/apk/db/");
}

bool module_info_entry(std::string_view name) {
  return name == "module-info.class" ||
         (name.starts_with("META-INF/versions/") && name.ends_with("/module-info.class"));
}

// Searches a jar's entries; throws Error (with the entry) when one cannot be read whole.
// Returns the entry that declares a module, if any.
std::optional<std::string> search_jar(JarReader& jar, const std::string& where, Search& s) {
  std::optional<std::string> module;
  walk_jar(jar, where, kNestedJars,
           [&](const std::string& at, const std::string& name, std::string_view data) {
             if (module_info_entry(name)) {
               module = at.substr(where.size() + 2);
               return false;
             }
             s.bytes(name, at);
             s.bytes(data, at);
             return true;
           });
  return module;
}

struct Library {
  std::string path;
  std::string stem;               // "saproc" for lib/libsaproc.so
  std::set<std::string> modules;  // of its natives
};

// The kept library's natives, when every one belongs to a module outside `layer`; nullopt
// when it stays loadable.
std::optional<Library> unloadable(const FileTree& tree, const std::string& path,
                                  const std::map<std::string, std::string>& package_module,
                                  const std::set<std::string>& layer) {
  const Entry* e = tree.find(path);
  if (e == nullptr || e->type != FileType::Regular) return std::nullopt;
  std::string bytes = tree.read(*e, kLibraryLimit);
  if (!bytes.starts_with("\x7f"
                         "ELF"))
    return std::nullopt;
  ElfParseOptions o;
  o.relocations = false;
  ElfFile elf = ElfFile::parse(std::move(bytes), path, o);
  Library lib;
  lib.path = path;
  for (const auto& sym : elf.symbols(SymbolTable::Dynamic)) {
    if (!sym.defined() || sym.binding == STB_LOCAL) continue;
    auto convention = plugin_convention(sym.name);
    if (!convention) continue;
    auto native = jni_native(sym.name);
    if (!native) return std::nullopt;  // JNI_OnLoad, Agent_OnLoad...: runs when loaded
    auto m = package_module.find(native->package);
    if (m == package_module.end() || layer.count(m->second)) return std::nullopt;
    lib.modules.insert(m->second);
  }
  if (lib.modules.empty()) return std::nullopt;
  std::string_view base = base_name(path);
  if (base.starts_with("lib")) base.remove_prefix(3);
  lib.stem = std::string(base.substr(0, base.find('.')));
  return lib;
}

JavaModuleGate gate_image(const FileTree& tree, const std::string& image,
                          const std::set<std::string>& kept,
                          const std::vector<std::string>& command_line,
                          const std::vector<std::string>& candidates) {
  JavaModuleGate g;
  g.image = image;
  std::string home(dir_name(dir_name(image)));
  const Entry* e = tree.find(image);
  JImageModules jimage;
  std::map<std::string, ModuleDescriptor> modules;
  try {
    auto in = tree.open(*e);
    jimage = read_jimage_modules(*in);
    if (!jimage.compressed.empty()) {
      g.not_gated = fmt::format("/{}: the declaration of {} is compressed, not read", image,
                                jimage.compressed.front());
      return g;
    }
    for (const auto& [name, bytes] : jimage.module_info) {
      ModuleDescriptor d = parse_module_info(bytes);
      if (d.name != name) fail("the module-info.class of {} declares module {}", name, d.name);
      modules.emplace(name, std::move(d));
    }
  } catch (const Error& err) {
    g.not_gated = fmt::format("/{}: {}", image, err.what());
    return g;
  }
  g.modules = modules.size();
  std::map<std::string, std::string> package_module;
  for (const auto& r : jimage.index.resources) {
    if (r.extension != "class" || r.parent.empty() || !modules.count(r.module)) continue;
    std::string pkg = r.parent;
    std::replace(pkg.begin(), pkg.end(), '/', '.');
    package_module.emplace(pkg, r.module);
  }
  std::set<std::string> roots = default_root_modules(modules);
  std::set<std::string> layer = boot_layer(modules, roots);
  for (const auto& [name, m] : modules)
    if (!layer.count(name)) g.outside.push_back(name);

  std::vector<Library> libs;
  std::string lib_dir = home + "/lib/";
  for (const auto& c : candidates) {
    if (!c.starts_with(lib_dir)) continue;
    try {
      if (auto l = unloadable(tree, c, package_module, layer)) libs.push_back(std::move(*l));
    } catch (const Error&) {
      // Not readable as ELF here: the analysis reports it, and it stays.
    }
  }
  g.boot_layer = layer.size();
  if (libs.empty()) return g;

  // What could make them loadable after all.
  std::vector<std::string> needles = {"ALL-SYSTEM"};
  for (const auto& l : libs) {
    needles.push_back(l.stem);
    needles.push_back("lib" + l.stem + ".so");
    needles.insert(needles.end(), l.modules.begin(), l.modules.end());
  }
  std::sort(needles.begin(), needles.end());
  needles.erase(std::unique(needles.begin(), needles.end()), needles.end());
  Search s(needles);
  for (const auto& w : command_line)
    s.bytes(w, "the image's command line");
  std::set<std::string> skip = {image, home + "/release", home + "/lib/ct.sym"};
  for (const auto& l : libs)
    skip.insert(l.path);
  for (const auto& k : kept) {
    std::string path = FileTree::normalize(k);
    if (skip.count(path) || package_records(path)) continue;
    if (path.starts_with(lib_dir) && path.ends_with(".jsa")) continue;
    const Entry* f = tree.find(path);
    if (f == nullptr || f->type != FileType::Regular || f->size == 0) continue;
    try {
      if (base_name(path) == "module-info.class") {
        g.not_gated = fmt::format(
            "/{} declares a module of the application, which may "
            "require any module",
            path);
        return g;
      }
      if (is_zip(tree.read_start(*f, 4))) {
        JarReader jar(tree, *f);
        if (auto m = search_jar(jar, "/" + path, s)) {
          g.not_gated = fmt::format(
              "/{}!/{} declares a module of the application, which may "
              "require any module",
              path, *m);
          return g;
        }
        continue;
      }
      auto in = tree.open(*f);
      s.stream(*in, "/" + path);
    } catch (const Error& err) {
      g.not_gated = fmt::format("/{}: {}; it could name a module", path, err.what());
      return g;
    }
  }

  if (auto w = s.found("ALL-SYSTEM"); !w.empty()) {
    g.not_gated = w + " names ALL-SYSTEM (every module resolved)";
    for (const auto& m : g.outside)
      g.named.push_back({m, w});
    return g;
  }
  std::set<std::string> more = roots;
  for (const auto& m : g.outside)
    if (auto w = s.found(m); !w.empty()) {
      g.named.push_back({m, w});
      more.insert(m);
    }
  if (!g.named.empty()) layer = boot_layer(modules, more);
  g.boot_layer = layer.size();
  for (const auto& l : libs) {
    std::string by = s.found(l.stem);
    if (by.empty()) by = s.found("lib" + l.stem + ".so");
    if (!by.empty()) {
      g.loaded_by_name.push_back({l.path, by});
      continue;
    }
    if (std::any_of(l.modules.begin(), l.modules.end(),
                    [&](const std::string& m) { return layer.count(m) > 0; }))
      continue;
    g.not_loaded.push_back({l.path, {l.modules.begin(), l.modules.end()}});
  }
  return g;
}

}  // namespace

std::vector<JavaModuleGate> java_module_gates(const FileTree& tree,
                                              const std::set<std::string>& kept,
                                              const std::vector<std::string>& command_line,
                                              const std::vector<std::string>& candidates) {
  std::vector<JavaModuleGate> out;
  for (const auto& k : kept) {
    std::string path = FileTree::normalize(k);
    if (base_name(path) != "modules" || base_name(dir_name(path)) != "lib") continue;
    const Entry* e = tree.find(path);
    if (e == nullptr || e->type != FileType::Regular || e->size < kJImageHeaderSize) continue;
    std::string h;
    try {
      h = tree.read_start(*e, 4);
    } catch (const Error&) {
      continue;  // unreadable: not an image this can read
    }
    if (h != "\xDA\xDA\xFE\xCA" && h != "\xCA\xFE\xDA\xDA") continue;
    out.push_back(gate_image(tree, path, kept, command_line, candidates));
  }
  return out;
}

nlohmann::json java_module_gates_json(const std::vector<JavaModuleGate>& gates) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : gates) {
    nlohmann::json libs = nlohmann::json::array();
    for (const auto& l : g.not_loaded)
      libs.push_back({{"object", l.path}, {"modules", l.modules}});
    nlohmann::json named = nlohmann::json::array();
    for (const auto& n : g.named)
      named.push_back({{"module", n.module}, {"by", n.by}});
    nlohmann::json by_name = nlohmann::json::array();
    for (const auto& n : g.loaded_by_name)
      by_name.push_back({{"object", n.module}, {"by", n.by}});
    nlohmann::json j = {{"image", g.image},
                        {"modules", g.modules},
                        {"bootLayer", g.boot_layer},
                        {"outsideBootLayer", g.outside},
                        {"namedInImage", named},
                        {"notLoaded", std::move(libs)},
                        {"namedLibraries", std::move(by_name)}};
    if (!g.not_gated.empty()) j["notGated"] = g.not_gated;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace imgstrip
