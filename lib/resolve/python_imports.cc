#include "resolve/python_imports.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/path.h"
#include "resolve/keep_set.h"
#include "resolve/python_module_names.h"
#include "resolve/python_source.h"
#include "resolve/text_scan.h"

namespace imgstrip {

namespace {

// A source file bigger than this is read in part (generated tables, vendored bundles).
constexpr size_t kSourceLimit = size_t{4} << 20;
constexpr size_t kPthLimit = 1 << 20;  // .pth files
// An extension module or interpreter read for the module names it holds.
constexpr size_t kNamedLimit = size_t{64} << 20;

bool under(std::string_view path, std::string_view dir) {
  return dir.empty() || inside(path, dir);
}

std::vector<std::string> split_dots(std::string_view name) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('.', i);
    if (j == std::string_view::npos) j = name.size();
    if (j > i) parts.emplace_back(name.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

struct Module {
  enum Kind { Package, Namespace, Source, Extension, Compiled } kind = Source;
  std::string path;               // the package directory (real) or the module file
  std::vector<std::string> dirs;  // a package's __path__
};

// Finds modules as importlib's FileFinder does, in the tree.
class Finder {
 public:
  Finder(const FileTree& tree, const PythonEnv& env) : tree_(tree), env_(env) {}

  // The real directory at `path`; the directories searched are real, so only the last
  // component can be a symlink.
  std::optional<std::string> dir_at(const std::string& path) const {
    const Entry* e = tree_.find(path);
    if (e == nullptr) return std::nullopt;
    if (e->type == FileType::Directory) return path;
    if (e->type != FileType::Symlink) return std::nullopt;
    auto r = tree_.lookup(path);
    if (!r || r->entry == nullptr || r->entry->type != FileType::Directory) return std::nullopt;
    return r->path;
  }
  bool file_at(const std::string& path) const {
    const Entry* e = tree_.find(path);
    if (e == nullptr) return false;
    if (e->type == FileType::Regular) return true;
    if (e->type != FileType::Symlink) return false;
    auto r = tree_.lookup(path);
    return r && r->entry != nullptr && r->entry->type == FileType::Regular;
  }

  // A file module `base` + a suffix (extension, .py, .pyc), as Python prefers them.
  std::optional<Module> module_file(const std::string& base) const {
    for (auto& s : env_.extension_suffixes) {
      if (file_at(base + s)) return Module{Module::Extension, base + s, {}};
    }
    if (file_at(base + ".py")) return Module{Module::Source, base + ".py", {}};
    if (file_at(base + ".pyc")) return Module{Module::Compiled, base + ".pyc", {}};
    return std::nullopt;
  }

  std::optional<Module> find(const std::vector<std::string>& dirs, const std::string& name) const {
    std::vector<std::string> portions;
    for (auto& d : dirs) {
      std::string base = child_path(d, name);
      if (auto dir = dir_at(base)) {
        if (module_file(child_path(*dir, "__init__"))) return Module{Module::Package, *dir, {*dir}};
        portions.push_back(*dir);
      }
      if (auto m = module_file(base)) return m;
    }
    if (portions.empty()) return std::nullopt;
    return Module{Module::Namespace, portions[0], portions};
  }

 private:
  const FileTree& tree_;
  const PythonEnv& env_;
};

// Reading one file's imports (or the interpreter's startup set) into Findings.
class ImportResolver {
 public:
  ImportResolver(const FileTree& tree, const PythonEnv& env, std::string file)
      : tree_(tree), env_(env), finder_(tree, env), file_(std::move(file)) {}

  // A test suite shipped inside a library (pkg/tests/..., the stdlib's test package): kept
  // with its package, but nothing imports it at run time, so its imports are not followed.
  bool in_test_suite() const {
    if (!on_sys_path_) return false;
    std::string rel = root_.empty() ? real_ : real_.substr(root_.size() + 1);
    auto parts = path_components(dir_name(rel));
    return std::any_of(parts.begin(), parts.end(),
                       [](const std::string& p) { return p == "tests" || p == "test"; });
  }

  // The directories absolute imports search: the file's import root first when it is not
  // on sys.path (a script's directory, or above the packages it is in), then sys.path.
  // Returns whether the file is under a sys.path directory (a library module).
  bool set_root(const std::string& real) {
    real_ = real;
    size_t best = 0;
    bool found = false;
    for (auto& d : env_.sys_path) {
      if (real != d && under(real, d) && (!found || d.size() > best)) {
        root_ = d;
        best = d.size();
        found = true;
      }
    }
    if (!found) {
      root_ = std::string(dir_name(real));
      while (!root_.empty() && finder_.module_file(child_path(root_, "__init__")))
        root_ = std::string(dir_name(root_));
      search_.push_back(root_);
    }
    search_.insert(search_.end(), env_.sys_path.begin(), env_.sys_path.end());
    on_sys_path_ = found;
    return found;
  }
  void set_search(std::vector<std::string> dirs) { search_ = std::move(dirs); }

  // `quiet`: a module not found is no note. `submodule_only`: kept only when the name
  // reaches a module inside a package (a name that is only a top-level module, or that
  // stops at the package, keeps nothing).
  void resolve(const PythonImport& imp, const std::string& why, bool quiet = false,
               bool submodule_only = false) {
    std::vector<std::string> parts = split_dots(imp.module);
    std::vector<Module> chain;
    std::string name;  // the dotted name found so far, for messages
    if (imp.level == 0) {
      if (parts.empty()) return;
      if (env_.builtin_modules.count(parts[0]) != 0 || parts[0] == "__main__") return;
      auto top = finder_.find(search_, parts[0]);
      if (!top) {
        if (!quiet) missing(parts[0], imp, why);
        return;
      }
      chain.push_back(*top);
      name = parts[0];
      parts.erase(parts.begin());
    } else {
      std::string pkg(dir_name(real_));
      for (int i = 1; i < imp.level && under(pkg, root_) && pkg != root_; ++i)
        pkg = std::string(dir_name(pkg));
      if (real_.empty() || pkg == root_ || !under(pkg, root_)) {
        note_once("beyond:" + imp.statement, "python: " + why + ": relative import beyond the " +
                                                 "top-level package, skipped");
        return;
      }
      std::vector<std::string> dirs = {root_};
      for (auto& c : path_components(root_.empty() ? pkg : pkg.substr(root_.size() + 1))) {
        auto m = finder_.find(dirs, c);
        if (!m || (m->kind != Module::Package && m->kind != Module::Namespace)) {
          note_once("pkg:" + pkg, "python: " + why + ": " + abs_path(pkg) + " is not a package");
          return;
        }
        chain.push_back(*m);
        dirs = m->dirs;
        name += (name.empty() ? "" : ".") + c;
      }
    }
    for (auto& p : parts) {
      Module& cur = chain.back();
      // A module that is not a package has no submodules on disk: `import os.path` is an
      // entry in sys.modules made by os itself.
      if (cur.kind != Module::Package && cur.kind != Module::Namespace) break;
      auto next = finder_.find(cur.dirs, p);
      name += "." + p;
      if (!next) {
        if (!quiet) missing(name, imp, why);
        break;
      }
      chain.push_back(*next);
    }
    if (submodule_only && (chain.size() < 2 || (chain.back().kind == Module::Package ||
                                                chain.back().kind == Module::Namespace))) {
      return;
    }
    top_ = chain[0].path;
    if (chain[0].kind == Module::Package) {
      if (auto init = finder_.module_file(child_path(chain[0].path, "__init__"))) top_ = init->path;
    }
    keep(chain, why);
    // `from pkg import name`: name may be a submodule (or just an attribute).
    Module last = chain.back();
    if (last.kind == Module::Package || last.kind == Module::Namespace) {
      for (auto& n : imp.names) {
        if (n == "*") {
          // The submodules the package's __all__ names are imported too: all of them.
          for (auto& d : last.dirs)
            add(d, why + " (every submodule)", true);
          continue;
        }
        if (auto sub = finder_.find(last.dirs, n)) {
          auto with = chain;
          with.push_back(*sub);
          keep(with, why);
        }
      }
    }
  }

  // A call that imports a name not known here: the top-level package making it is kept
  // whole (it already is, for site directories), a top-level module only gets a note.
  void dynamic(const DynamicImport& d) {
    std::string where = abs_path(file_) + ":" + std::to_string(d.line);
    std::string dir(dir_name(real_));
    if (dir != root_ && under(dir, root_) && !real_.empty()) {
      std::string rel = root_.empty() ? dir : dir.substr(root_.size() + 1);
      std::string top = child_path(root_, rel.substr(0, rel.find('/')));
      add(top, "dynamic import (" + d.call + ") in " + where, true);
      note_once("dyn:" + d.call + where, "python: " + d.call + "(...) in " + where +
                                             " imports a module not known statically; kept " +
                                             abs_path(top) + " whole");
    } else {
      note_once("dyn:" + d.call + where, "python: " + d.call + "(...) in " + where +
                                             " imports a module not known statically");
    }
  }

  void add(const std::string& path, const std::string& why, bool tree) {
    if (!kept_.insert(tree ? path + "/" : path).second) return;
    out_.add(path, why, tree);
  }
  void note_once(const std::string& key, std::string text) {
    if (noted_.insert(key).second) out_.note(std::move(text));
  }

  Findings& out() { return out_; }
  // The top-level module of the last import kept: a package's __init__ file, or a
  // namespace package's first directory ("" when none).
  const std::string& top() const { return top_; }
  void clear_top() { top_.clear(); }
  const Finder& finder() const { return finder_; }

 private:
  void missing(const std::string& name, const PythonImport& imp, const std::string& why) {
    note_once("missing:" + name, std::string("python: ") + (imp.optional ? "optional " : "") +
                                     "module " + name + " (" + why + ") is not in the image");
  }

  // Keeps a chain of modules: namespace directories as directories, each package's
  // directory and __init__, each module's file (a source module with its cached bytecode);
  // the files of the first package that are not modules (data, templates, resources); the
  // metadata of the distribution of the top-level name.
  void keep(const std::vector<Module>& chain, const std::string& why) {
    bool top = true;
    for (size_t i = 0; i < chain.size(); ++i) {
      const Module& m = chain[i];
      if (m.kind == Module::Namespace) {
        for (auto& d : m.dirs)
          add(d, why, false);
        continue;
      }
      if (m.kind == Module::Package) {
        add(m.path, why, false);
        if (auto init = finder_.module_file(child_path(m.path, "__init__")))
          keep_module_file(init->path, why);
        if (top) keep_package_files(m.path, m.path, why);
      } else {
        keep_module_file(m.path, why);
      }
      if (!top) continue;
      top = false;
      // The directory the top-level name was found in, and that name.
      std::string site = m.path;
      for (size_t k = 0; k <= i; ++k)
        site = std::string(dir_name(site));
      std::string name =
          i == 0 ? std::string(base_name(m.path)) : std::string(base_name(chain[0].path));
      name = name.substr(0, name.find('.'));
      auto it = env_.distributions.find(child_path(site, name));
      if (it != env_.distributions.end()) {
        for (auto& info : it->second) {
          const Entry* e = tree_.find(info);
          add(info, "metadata of " + name + " (" + why + ")",
              e != nullptr && e->type == FileType::Directory);
        }
      }
    }
  }

  // A module's file; for a source module, the bytecode Python cached for it.
  void keep_module_file(const std::string& path, const std::string& why) {
    add(path, why, false);
    if (!path.ends_with(".py")) return;
    std::string stem(base_name(path));
    stem.resize(stem.size() - 3);
    std::string cached =
        child_path(child_path(dir_name(path), "__pycache__"), stem + "." + cache_tag());
    for (const char* suffix : {".pyc", ".opt-1.pyc", ".opt-2.pyc"}) {
      if (finder_.file_at(cached + suffix)) add(cached + suffix, why, false);
    }
  }

  // "cpython-311", as sys.implementation.cache_tag.
  std::string cache_tag() const {
    std::string tag = "cpython-";
    for (char c : env_.version)
      if (c != '.') tag += c;
    return tag;
  }

  // A file Python imports as a module, which stays only when imported: source, bytecode,
  // or an extension with a tagged suffix. A plain *.so in a package may be a library
  // loaded by path (ctypes), so it stays as data.
  bool module_file_name(std::string_view name) const {
    for (std::string_view s : {".py", ".pyc", ".pyo", ".pyw"})
      if (name.ends_with(s)) return true;
    for (auto& s : env_.extension_suffixes)
      if (s != ".so" && name.ends_with(s)) return true;
    return false;
  }

  // The files of a package that are not modules, in it and in its subpackages (read by
  // path, importlib.resources, pkgutil.get_data); a directory that is not a package is
  // data, whole. Subpackages named test or tests are test suites: not data.
  void keep_package_files(const std::string& top, const std::string& dir, const std::string& why) {
    if (!walked_.insert(dir).second) return;
    std::string data_why = "files of the package " + abs_path(top) + " (" + why + ")";
    for (const Entry* e : tree_.children(dir)) {
      std::string_view name = base_name(e->path);
      if (e->type == FileType::Directory) {
        if (name == "__pycache__") continue;
        if (!finder_.module_file(child_path(e->path, "__init__"))) {
          add(e->path, data_why, true);
        } else if (name != "test" && name != "tests") {
          keep_package_files(top, e->path, why);
        }
        continue;
      }
      if (!module_file_name(name)) add(e->path, data_why, false);
    }
  }

  const FileTree& tree_;
  const PythonEnv& env_;
  Finder finder_;
  std::string file_;  // as given, for messages
  std::string real_;  // symlinks resolved
  std::string root_;  // the sys.path entry (or script directory) the file is under
  bool on_sys_path_ = false;
  std::vector<std::string> search_;
  Findings out_;
  std::set<std::string> kept_;
  std::set<std::string> noted_;
  std::set<std::string> walked_;  // packages whose files are kept
  std::string top_;
};

bool python_name(std::string_view program) {
  std::string_view b = base_name(program);
  if (!b.starts_with("python")) return false;
  return std::all_of(b.begin() + 6, b.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

std::string where(const std::string& file, size_t line) {
  return abs_path(file) + ":" + std::to_string(line);
}

}  // namespace

bool is_python_source(std::string_view path, std::string_view head) {
  if (path.ends_with(".py") || path.ends_with(".pyw")) return true;
  auto shebang = parse_shebang(head);
  if (!shebang) return false;
  if (python_name(shebang->interpreter)) return true;
  auto program = env_program(*shebang);
  return program && python_name(*program);
}

Findings python_imports(const FileTree& tree, const PythonEnv& env, const std::string& path,
                        bool as_main) {
  ImportResolver r(tree, env, strip_slashes(path));
  auto found = tree.lookup(path);
  if (!found || found->entry == nullptr || found->entry->type != FileType::Regular) {
    r.out().note("python: " + abs_path(strip_slashes(path)) + " is not a regular file, not read");
    return r.out();
  }
  std::string text = read_start(tree, found->path, kSourceLimit);
  if (!looks_like_text(std::string_view(text).substr(0, 4096))) {
    r.out().note("python: " + abs_path(strip_slashes(path)) + " is not text, not read");
    return r.out();
  }
  std::string file = strip_slashes(path);
  if (found->entry->size > kSourceLimit) {
    r.out().note("python: " + abs_path(file) + " is larger than " +
                 std::to_string(kSourceLimit >> 20) + " MiB; only its start was read");
  }
  bool program = !r.set_root(found->path) || as_main;
  if (!program && (base_name(found->path) == "__main__.py" || r.in_test_suite())) return r.out();
  PythonSource source = parse_python_source(text);
  for (auto& p : source.problems)
    r.out().note("python: " + abs_path(file) + ": " + p);
  for (auto& imp : source.imports) {
    if (imp.main_only && !program) continue;
    r.resolve(imp, imp.statement + " in " + where(file, imp.line));
  }
  for (auto& d : source.dynamic) {
    if (d.main_only && !program) continue;
    r.dynamic(d);
  }
  return r.out();
}

std::vector<NamedModule> python_named_modules(const FileTree& tree, const PythonEnv& env,
                                              const std::string& path) {
  std::vector<NamedModule> out;
  std::string file = strip_slashes(path);
  ImportResolver r(tree, env, file);
  auto found = tree.lookup(path);
  if (!found || found->entry == nullptr || found->entry->type != FileType::Regular) return out;
  std::string data = read_start(tree, found->path, kNamedLimit);
  bool binary = data.starts_with(
      "\x7f"
      "ELF");
  if (!binary && !looks_like_text(std::string_view(data).substr(0, 4096))) return out;
  if (binary) {
    r.set_search(env.sys_path);
  } else {
    r.set_root(found->path);
  }
  for (auto& name :
       python_dotted_names(data, binary ? NameSource::Binary : NameSource::PythonText)) {
    PythonImport imp;
    imp.module = name;
    size_t before = r.out().keep.size();
    r.clear_top();
    r.resolve(imp, "\"" + name + "\" named in " + abs_path(file), true, true);
    if (r.top().empty() || r.out().keep.size() == before) continue;
    NamedModule m{name, r.top(), {}};
    m.found.keep.assign(r.out().keep.begin() + static_cast<std::ptrdiff_t>(before),
                        r.out().keep.end());
    out.push_back(std::move(m));
  }
  return out;
}

Findings python_startup(const FileTree& tree, const PythonEnv& env) {
  ImportResolver r(tree, env, env.interpreter);
  r.set_search(env.sys_path);
  std::string why = "startup of " + abs_path(env.interpreter);
  for (const char* name : {"encodings", "site", "os", "abc", "codecs", "io", "stat", "posixpath",
                           "genericpath", "_collections_abc", "_sitebuiltins"}) {
    PythonImport imp;
    imp.module = name;
    r.resolve(imp, why + " (" + name + ")");
  }
  for (const char* name : {"sitecustomize", "usercustomize"}) {
    PythonImport imp;
    imp.module = name;
    imp.optional = true;
    r.resolve(imp, why + " (" + name + ")", true);
  }
  // Without lib-dynload the interpreter warns that it cannot find its platform libraries.
  if (r.finder().dir_at(child_path(env.stdlib, "lib-dynload"))) {
    r.add(child_path(env.stdlib, "lib-dynload"), why, false);
  }
  std::string venv(dir_name(dir_name(env.interpreter)));
  if (r.finder().file_at(child_path(venv, "pyvenv.cfg")))
    r.add(child_path(venv, "pyvenv.cfg"), why, false);
  // .pth files: every one is read; lines starting with "import" are executed.
  for (auto& site : env.site_dirs) {
    for (const Entry* e : tree.children(site)) {
      if (!e->path.ends_with(".pth") || !r.finder().file_at(e->path)) continue;
      r.add(e->path, why + " (.pth file of " + abs_path(site) + ")", false);
      std::string text = read_start(tree, e->path, kPthLimit);
      size_t line = 0;
      for (size_t i = 0; i < text.size();) {
        size_t j = std::min(text.find('\n', i), text.size());
        std::string_view l = std::string_view(text).substr(i, j - i);
        ++line;
        i = j + 1;
        if (!l.starts_with("import ") && !l.starts_with("import\t")) continue;
        for (auto& imp : parse_python_source(l).imports) {
          r.resolve(imp, "import line of " + where(e->path, line));
        }
        for (auto& d : parse_python_source(l).dynamic) {
          r.out().note("python: " + d.call + "(...) in " + where(e->path, line) +
                       " imports a module not known statically");
        }
      }
    }
  }
  return r.out();
}

}  // namespace imgstrip
