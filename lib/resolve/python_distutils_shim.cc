#include "resolve/python_distutils_shim.h"

#include "core/path.h"

namespace imgstrip {
namespace {

bool in_setuptools(const PythonEnv& env, std::string_view path, bool only_distutils) {
  for (auto& site : env.site_dirs) {
    if (!inside(path, site) || path == site) continue;
    std::string_view rest = path.substr(site.size() + 1);
    if (only_distutils) {
      if (inside(rest, "setuptools/_distutils")) return true;
      continue;
    }
    if (inside(rest, "setuptools")) return true;
    if (rest.find('/') == std::string_view::npos && rest.starts_with("setuptools-") &&
        (rest.ends_with(".dist-info") || rest.ends_with(".egg-info"))) {
      return true;
    }
  }
  return false;
}

bool in_stdlib_distutils(const PythonEnv& env, std::string_view path) {
  if (env.stdlib.empty()) return false;
  std::string dir = env.stdlib + "/distutils";
  return inside(path, dir);
}

}  // namespace

bool is_distutils_shim(const PythonEnv& env, std::string_view path) {
  for (auto& site : env.site_dirs) {
    if (path == site + "/_distutils_hack/__init__.py") return true;
  }
  return false;
}

bool shim_distutils_import(const PythonEnv& env, const FoundPath& found) {
  return in_stdlib_distutils(env, found.path) || in_setuptools(env, found.path, false);
}

bool imports_distutils(const PythonEnv& env, const Findings& found) {
  for (auto& f : found.keep) {
    if (in_stdlib_distutils(env, f.path) || in_setuptools(env, f.path, true)) return true;
  }
  for (std::string_view n : found.notes) {
    for (std::string_view missing :
         {"python: module distutils", "python: optional module distutils"}) {
      if (!n.starts_with(missing)) continue;
      char next = n.size() > missing.size() ? n[missing.size()] : '\0';
      if (next == ' ' || next == '.') return true;
    }
  }
  return false;
}

}  // namespace imgstrip
