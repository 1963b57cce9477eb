// Python: the modules kept Python files import (python_imports.h), found on the sys.path
// of the image's Pythons, and those they, extension modules and the interpreter name as
// whole dotted strings; what an interpreter loads at startup once it is kept. Modules of
// packages reached only through Depends (the standard library, python3-* modules) stay
// where something imports them. setuptools' distutils shim imports distutils and
// setuptools only for a kept module that imports distutils (python_distutils_shim.h).
#include <cctype>
#include <cstring>
#include <optional>
#include <set>

#include "core/path.h"
#include "resolve/python_distutils_shim.h"
#include "resolve/python_env.h"
#include "resolve/python_imports.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

// A distribution's name as pip compares them: lowercase, runs of -_. as one '_'.
std::string normalized(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '_') out += '_';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// Console-script wrappers name their distribution as a constant
// (load_entry_point('gunicorn==20.1.0', ...), distribution('gunicorn')): its metadata (the
// entry points are read from it) and its top-level packages are kept whole.
Findings entry_point_distributions(const PythonEnv& env, std::string_view text) {
  Findings out;
  std::set<std::string> names;
  for (std::string_view call : {"load_entry_point(", "distribution("}) {
    for (size_t at = text.find(call); at != std::string_view::npos; at = text.find(call, at + 1)) {
      size_t q = at + call.size();
      while (q < text.size() && (text[q] == ' ' || text[q] == '\n'))
        ++q;
      if (q >= text.size() || (text[q] != '\'' && text[q] != '"')) continue;
      size_t end = q + 1;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                   std::strchr("-_.", text[end]) != nullptr)) {
        ++end;
      }
      if (end > q + 1) names.insert(normalized(text.substr(q + 1, end - q - 1)));
    }
  }
  for (auto& [top, infos] : env.distributions) {
    for (auto& info : infos) {
      std::string_view base = base_name(info);
      std::string_view dist = base.substr(0, base.find('-'));
      if (names.count(normalized(dist)) == 0) continue;
      std::string why = "entry points of the distribution " + std::string(dist);
      out.add(info, why, true);
      out.add(top, why, true);
    }
  }
  return out;
}

class PythonRule : public Rule {
 public:
  std::string_view name() const override { return "python"; }

  bool on_demand(const ResolveContext& ctx, const Entry& entry) const override {
    std::string_view path = entry.path;
    for (auto& env : envs(ctx)) {
      if (inside(path, env.stdlib) && path != env.stdlib) return true;
      for (auto& site : env.site_dirs) {
        if (inside(path, site) && path != site) return true;
      }
    }
    return false;
  }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (envs(ctx).empty()) return;
    if (f.head.starts_with("\x7f"
                           "ELF")) {
      if (const PythonEnv* env = native_env(ctx, f.path))
        keep_named(ctx, f.path, python_named_modules(ctx.tree, *env, f.path));
      return;
    }
    if (!is_python_source(f.path, f.head)) return;
    const PythonEnv& env = env_for(f.path);
    Findings found = python_imports(ctx.tree, env, f.path);
    keep_named(ctx, f.path, python_named_modules(ctx.tree, env, f.path));
    if (is_distutils_shim(env, f.path)) {
      hold_shim_imports(env, f.path, found);
    } else if (distutils_by_.empty() && imports_distutils(env, found)) {
      distutils_by_ = abs_path(f.path);
    }
    ctx.keep_findings(f.path, found, ReasonKind::Import);
    if (f.entry.size <= kTextLimit) {
      ctx.keep_findings(f.path, entry_point_distributions(env, ctx.tree.read(f.entry, kTextLimit)),
                        ReasonKind::Import);
    }
  }

  void round(ResolveContext& ctx) override {
    std::erase_if(named_, [&](auto& waiting) {
      if (!ctx.keep.contains(waiting.second.package)) return false;
      ctx.keep_findings(waiting.first, waiting.second.found, ReasonKind::Import);
      return true;
    });
    if (!distutils_by_.empty()) {
      for (auto& [from, found] : held_) {
        ctx.keep_findings(from, released(std::move(found)), ReasonKind::Import);
      }
      held_.clear();
    }
    started_.resize(envs(ctx).size(), false);
    for (size_t i = 0; i < envs_->size(); ++i) {
      if (started_[i]) continue;
      const PythonEnv& env = (*envs_)[i];
      auto real = ctx.tree.resolve(env.interpreter);
      if (!real || !ctx.keep.contains(*real)) continue;
      started_[i] = true;
      ctx.keep_findings(*real, python_startup(ctx.tree, env), ReasonKind::Import);
    }
  }

  void finish(ResolveContext& ctx) override {
    for (auto& [from, found] : held_) {
      std::string paths;
      for (auto& k : found.keep) {
        if (k.path.ends_with(".py") || k.path.ends_with(".pyc")) continue;  // in the packages
        paths += (paths.empty() ? "" : ", ") + abs_path(k.path);
      }
      ctx.notes.push_back("python: " + abs_path(from) +
                          " (setuptools' distutils shim) imports distutils and setuptools only "
                          "when something imports distutils; nothing kept does, so it keeps none "
                          "of " +
                          paths);
    }
  }

 private:
  // The shim's imports of distutils and setuptools wait until something imports distutils.
  void hold_shim_imports(const PythonEnv& env, const std::string& path, Findings& found) {
    Findings held;
    std::erase_if(found.keep, [&](const FoundPath& k) {
      if (!shim_distutils_import(env, k)) return false;
      held.keep.push_back(k);
      return true;
    });
    if (held.keep.empty()) return;
    if (!distutils_by_.empty()) {
      held = released(std::move(held));
      found.keep.insert(found.keep.end(), held.keep.begin(), held.keep.end());
      return;
    }
    held_.emplace_back(path, std::move(held));
  }

  Findings released(Findings held) const {
    for (auto& k : held.keep) {
      k.why += " (setuptools' distutils shim; " + distutils_by_ + " imports distutils)";
      // The shim serves setuptools._distutils as distutils: `import distutils.core` finds
      // its modules there, which no import statement names.
      if (base_name(k.path) == "_distutils" && base_name(dir_name(k.path)) == "setuptools")
        k.tree = true;
    }
    return held;
  }

  // Modules named as strings stay once their top-level package is imported.
  void keep_named(ResolveContext& ctx, const std::string& from, std::vector<NamedModule> named) {
    for (auto& m : named) {
      if (ctx.keep.contains(m.package)) {
        ctx.keep_findings(from, m.found, ReasonKind::Import);
      } else {
        named_.emplace_back(from, std::move(m));
      }
    }
  }

  // The Python whose code imports modules by name from C: an extension module on its
  // sys.path, its interpreter, a libpython.
  const PythonEnv* native_env(const ResolveContext& ctx, std::string_view path) const {
    for (auto& env : *envs_) {
      auto interpreter = ctx.tree.resolve(env.interpreter);
      if (interpreter && *interpreter == path) return &env;
      if (base_name(path).starts_with("libpython" + env.version)) return &env;
      if (!path.ends_with(".so")) continue;
      for (auto& dir : env.sys_path) {
        if (inside(path, dir)) return &env;
      }
    }
    return nullptr;
  }

  // The Python whose sys.path holds the file; else the first (scripts, application files).
  const PythonEnv& env_for(std::string_view path) const {
    for (auto& env : *envs_) {
      for (auto& dir : env.sys_path) {
        if (inside(path, dir)) return env;
      }
    }
    return envs_->front();
  }

  // Found on first use: the package rule asks before this rule has started.
  const std::vector<PythonEnv>& envs(const ResolveContext& ctx) const {
    if (!envs_)
      envs_ = python_envs(ctx.tree, split_list(ctx.config.env_value("PYTHONPATH").value_or("")));
    return *envs_;
  }

  mutable std::optional<std::vector<PythonEnv>> envs_;
  std::vector<bool> started_;
  std::string distutils_by_;  // the first kept file that imports distutils
  std::vector<std::pair<std::string, Findings>> held_;      // the shim's, by its path
  std::vector<std::pair<std::string, NamedModule>> named_;  // waiting, by the naming file
};

}  // namespace

std::unique_ptr<Rule> python_rule() {
  return std::make_unique<PythonRule>();
}

}  // namespace imgstrip
