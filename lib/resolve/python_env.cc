#include "resolve/python_env.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/path.h"
#include "elf/elf_file.h"

namespace imgstrip {

namespace {

constexpr size_t kPythonTextLimit = 1 << 20;     // site.py, pyvenv.cfg, .pth, RECORD
constexpr size_t kElfLimit = size_t{128} << 20;  // the interpreter or libpython

// The real path of an existing directory (symlinks followed), or nullopt.
std::optional<std::string> real_dir(const FileTree& tree, std::string_view path) {
  auto r = tree.lookup(path);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Directory) return std::nullopt;
  return r->path;
}

const Entry* real_file(const FileTree& tree, std::string_view path) {
  auto r = tree.lookup(path);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) return nullptr;
  return r->entry;
}

std::string read_text(const FileTree& tree, std::string_view path) {
  return read_start(tree, path, kPythonTextLimit);
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view l = text.substr(i, j - i);
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t'))
      l.remove_suffix(1);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t'))
      l.remove_prefix(1);
    out.push_back(l);
    i = j + 1;
  }
  return out;
}

// "python3.11" -> "3.11"; "" for anything else.
std::string version_of(std::string_view name) {
  if (!name.starts_with("python3.")) return "";
  std::string_view minor = name.substr(8);
  if (minor.empty() || minor.size() > 3) return "";
  for (char c : minor) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return "";
  }
  return std::string(name.substr(6));
}

std::string nodot(const std::string& version) {
  std::string out;
  for (char c : version) {
    if (c != '.') out += c;
  }
  return out;
}

class EnvBuilder {
 public:
  EnvBuilder(const FileTree& tree, PythonEnv& env) : tree_(tree), env_(env) {}

  void add(std::string_view dir) {
    auto real = real_dir(tree_, dir);
    std::string p = real ? *real : strip_slashes(dir);
    if (std::find(env_.sys_path.begin(), env_.sys_path.end(), p) == env_.sys_path.end()) {
      env_.sys_path.push_back(p);
    }
  }
  void add_existing(std::string_view dir) {
    if (real_dir(tree_, dir)) add(dir);
  }
  // A site directory: itself, then what its .pth files add (files sorted by name).
  void add_site(std::string_view dir) {
    auto real = real_dir(tree_, dir);
    if (!real) return;
    if (std::find(env_.site_dirs.begin(), env_.site_dirs.end(), *real) != env_.site_dirs.end())
      return;
    add(*real);
    env_.site_dirs.push_back(*real);
    for (const Entry* e : tree_.children(*real)) {
      if (!e->path.ends_with(".pth")) continue;
      std::string text = read_text(tree_, e->path);
      for (std::string_view l : lines_of(text)) {
        if (l.empty() || l.starts_with('#') || l.starts_with("import ") ||
            l.starts_with("import\t"))
          continue;
        std::string target = l.starts_with('/') ? strip_slashes(l) : child_path(*real, l);
        try {
          target = FileTree::normalize(target);
        } catch (const std::exception&) {  // ".." parts: resolve them by components
          std::vector<std::string> parts;
          for (auto& c : path_components(target)) {
            if (c == "..") {
              if (!parts.empty()) parts.pop_back();
            } else {
              parts.push_back(c);
            }
          }
          target = join_components(parts);
        }
        add_existing(target);
      }
    }
  }

 private:
  const FileTree& tree_;
  PythonEnv& env_;
};

void add_init_symbols(const FileTree& tree, std::string_view path, std::set<std::string>& out,
                      std::vector<std::string>* needed) {
  std::string bytes = read_start(tree, path, kElfLimit);
  if (bytes.empty()) return;
  try {
    ElfFile elf = ElfFile::parse(std::move(bytes), std::string(path));
    for (auto table : {SymbolTable::Dynamic, SymbolTable::Static}) {
      for (auto& s : elf.symbols(table)) {
        if (s.defined() && s.name.starts_with("PyInit_")) out.insert(s.name.substr(7));
      }
    }
    if (needed != nullptr) *needed = elf.dynamic().needed;
  } catch (const std::exception&) {
  }
}

// Modules compiled into the interpreter: its PyInit_* symbols (or libpython's), plus the
// core ones that have none.
std::set<std::string> builtin_modules(const FileTree& tree, const std::string& interpreter,
                                      const std::string& prefix) {
  std::set<std::string> out;
  std::vector<std::string> needed;
  add_init_symbols(tree, interpreter, out, &needed);
  if (out.empty()) {
    std::vector<std::string> dirs = {child_path(prefix, "lib"), "usr/lib", "usr/lib64", "lib",
                                     "lib64"};
    for (const Entry* e : tree.children("usr/lib")) {
      if (e->path.find("-linux-") != std::string::npos) dirs.push_back(e->path);
    }
    for (auto& n : needed) {
      if (!n.starts_with("libpython")) continue;
      for (auto& d : dirs) {
        if (real_file(tree, child_path(d, n)) == nullptr) continue;
        add_init_symbols(tree, child_path(d, n), out, nullptr);
        break;
      }
    }
  }
  for (const char* core : {"sys", "builtins", "marshal", "_imp", "_warnings", "_io", "_thread",
                           "_weakref", "_frozen_importlib", "_frozen_importlib_external", "posix"})
    out.insert(core);
  return out;
}

std::vector<std::string> extension_suffixes(const FileTree& tree, const std::string& stdlib,
                                            const std::string& version) {
  std::string tag = ".cpython-" + nodot(version) + "-";
  std::string platform;
  for (const Entry* e : tree.children(child_path(stdlib, "lib-dynload"))) {
    std::string_view name = base_name(e->path);
    size_t at = name.find(tag);
    if (at != std::string_view::npos && name.ends_with(".so")) {
      platform = std::string(name.substr(at));
      break;
    }
  }
  if (platform.empty()) platform = tag + "x86_64-linux-gnu.so";
  return {platform, ".abi3.so", ".so"};
}

void add_distributions(const FileTree& tree, PythonEnv& env, const std::string& dir) {
  for (const Entry* e : tree.children(dir)) {
    if (!e->path.ends_with(".dist-info") && !e->path.ends_with(".egg-info")) continue;
    for (auto& top : distribution_top_levels(tree, e->path)) {
      auto& infos = env.distributions[child_path(dir, top)];
      if (std::find(infos.begin(), infos.end(), e->path) == infos.end()) infos.push_back(e->path);
    }
  }
}

// The sys.path of the interpreter at `interpreter` whose stdlib is `stdlib` (prefix/libdir/
// python3.X); `venv` is the venv directory when it runs as a venv's python.
PythonEnv build_env(const FileTree& tree, const std::vector<std::string>& pythonpath,
                    const std::string& prefix, const std::string& stdlib,
                    const std::string& version, const std::string& interpreter,
                    const std::string& venv, bool system_site) {
  PythonEnv env;
  env.version = version;
  env.interpreter = interpreter;
  env.stdlib = stdlib;
  EnvBuilder b(tree, env);
  for (auto& p : pythonpath) {
    if (!strip_slashes(p).empty()) b.add_existing(strip_slashes(p));
  }
  std::string libdir(dir_name(stdlib));
  if (real_file(tree, child_path(libdir, "python" + nodot(version) + ".zip")) != nullptr) {
    env.sys_path.push_back(child_path(libdir, "python" + nodot(version) + ".zip"));
  }
  b.add(stdlib);
  b.add_existing(child_path(stdlib, "lib-dynload"));
  if (!venv.empty()) {
    for (const Entry* e : tree.children(child_path(venv, "lib"))) {
      if (version_of(base_name(e->path)) == version)
        b.add_site(child_path(e->path, "site-packages"));
    }
    for (const Entry* e : tree.children(child_path(venv, "lib64"))) {
      if (version_of(base_name(e->path)) == version)
        b.add_site(child_path(e->path, "site-packages"));
    }
  }
  if (venv.empty() || system_site) {
    b.add_site("root/.local/lib/python" + version + "/site-packages");
    bool debian =
        read_text(tree, child_path(stdlib, "site.py")).find("dist-packages") != std::string::npos;
    std::string libname(base_name(libdir));
    if (debian) {
      b.add_site(child_path(prefix, "local/lib/python" + version + "/dist-packages"));
      b.add_site(child_path(prefix, "lib/python3/dist-packages"));
      b.add_site(child_path(prefix, libname + "/python" + version + "/dist-packages"));
      if (libname != "lib")
        b.add_site(child_path(prefix, "lib/python" + version + "/dist-packages"));
    } else {
      b.add_site(child_path(prefix, libname + "/python" + version + "/site-packages"));
      if (libname != "lib")
        b.add_site(child_path(prefix, "lib/python" + version + "/site-packages"));
    }
  }
  env.extension_suffixes = extension_suffixes(tree, stdlib, version);
  env.builtin_modules = builtin_modules(tree, interpreter, prefix);
  for (auto& dir : env.sys_path) {
    if (dir != stdlib && dir != child_path(stdlib, "lib-dynload"))
      add_distributions(tree, env, dir);
  }
  return env;
}

std::map<std::string, std::string> config_of(std::string_view text) {
  std::map<std::string, std::string> out;
  for (std::string_view l : lines_of(text)) {
    size_t eq = l.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = l.substr(0, eq), v = l.substr(eq + 1);
    while (!k.empty() && (k.back() == ' ' || k.back() == '\t'))
      k.remove_suffix(1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
      v.remove_prefix(1);
    std::string key(k);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out[key] = std::string(v);
  }
  return out;
}

}  // namespace

std::string read_start(const FileTree& tree, std::string_view path, size_t limit) {
  const Entry* e = real_file(tree, path);
  if (e == nullptr || !tree.has_contents()) return "";
  try {
    return tree.read_start(*e, limit);
  } catch (const std::exception&) {
    return "";
  }
}

std::vector<std::string> distribution_top_levels(const FileTree& tree, const std::string& info) {
  std::vector<std::string> tops;
  auto add = [&](std::string_view name) {
    while (name.starts_with('/'))
      name.remove_prefix(1);
    name = name.substr(0, name.find('/'));
    if (name.empty() || name == ".." || name == "." || name == "__pycache__" ||
        name.ends_with(".dist-info") || name.ends_with(".egg-info") || name.ends_with(".pth") ||
        name.ends_with(".data"))
      return;
    if (name.ends_with(".py") || name.ends_with(".so") || name.ends_with(".pyc"))
      name = name.substr(0, name.find('.'));
    if (name.empty() || tops.size() >= 256) return;
    if (std::find(tops.begin(), tops.end(), name) == tops.end()) tops.emplace_back(name);
  };
  const Entry* e = tree.find(info);
  if (e != nullptr && e->type == FileType::Directory) {
    std::string top_level = read_text(tree, child_path(info, "top_level.txt"));
    for (std::string_view l : lines_of(top_level)) {
      add(l);
    }
    if (!tops.empty()) return tops;
    std::string record = read_text(tree, child_path(info, "RECORD"));
    for (std::string_view l : lines_of(record)) {
      add(l.substr(0, l.find(',')));
    }
    if (!tops.empty()) return tops;
  }
  // "Flask-2.2.2.dist-info" -> "flask"
  std::string_view name = base_name(info);
  name = name.substr(0, std::min(name.find('-'), name.rfind('.')));
  std::string n;
  for (char c : name) {
    n += (c == '-' || c == '.') ? '_'
                                : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!n.empty()) tops.push_back(n);
  return tops;
}

std::vector<PythonEnv> python_envs(const FileTree& tree,
                                   const std::vector<std::string>& pythonpath) {
  std::vector<PythonEnv> envs;
  std::set<std::string> seen;
  for (std::string prefix : {"usr", "usr/local"}) {
    for (std::string libname : {"lib", "lib64"}) {
      auto libdir = real_dir(tree, child_path(prefix, libname));
      if (!libdir) continue;
      for (const Entry* e : tree.children(*libdir)) {
        std::string version = version_of(base_name(e->path));
        if (version.empty()) continue;
        auto stdlib = real_dir(tree, e->path);
        if (!stdlib || seen.count(*stdlib) != 0) continue;
        if (real_file(tree, child_path(*stdlib, "os.py")) == nullptr) continue;
        std::string interpreter = child_path(prefix, "bin/python" + version);
        if (!tree.lookup(interpreter) || tree.lookup(interpreter)->entry == nullptr) continue;
        seen.insert(*stdlib);
        envs.push_back(
            build_env(tree, pythonpath, prefix, *stdlib, version, interpreter, "", false));
      }
    }
  }
  // Venvs: a pyvenv.cfg whose home is the bin directory of one of the Pythons above.
  size_t system = envs.size();
  for (auto& [path, entry] : tree.entries()) {
    if (entry.type != FileType::Regular || base_name(path) != "pyvenv.cfg") continue;
    std::string venv(dir_name(path));
    auto cfg = config_of(read_text(tree, path));
    std::string home = strip_slashes(cfg["home"]);
    bool system_site = cfg["include-system-site-packages"] == "true";
    std::optional<PythonEnv> base;  // a copy: envs grows below
    for (size_t i = 0; i < system; ++i) {
      if (dir_name(envs[i].interpreter) == home) base = envs[i];
    }
    std::string version;
    for (const Entry* e : tree.children(child_path(venv, "lib"))) {
      if (!version_of(base_name(e->path)).empty()) version = version_of(base_name(e->path));
    }
    if (base && (version.empty() || version == base->version)) {
      version = base->version;
    } else {
      base.reset();
    }
    if (version.empty()) continue;
    std::string interpreter = child_path(venv, "bin/python" + version);
    for (std::string name :
         {"bin/python" + version, std::string("bin/python3"), std::string("bin/python")}) {
      if (tree.find(child_path(venv, name)) != nullptr) {
        interpreter = child_path(venv, name);
        break;
      }
    }
    std::string stdlib = base ? base->stdlib : "usr/lib/python" + version;
    std::string prefix = base ? std::string(dir_name(dir_name(base->stdlib))) : "usr";
    envs.push_back(
        build_env(tree, pythonpath, prefix, stdlib, version, interpreter, venv, system_site));
    if (base) envs.back().builtin_modules = base->builtin_modules;
  }
  return envs;
}

}  // namespace imgstrip
