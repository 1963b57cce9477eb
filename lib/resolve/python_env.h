// Where a Python of the image looks for modules, found from the image's files alone: the
// interpreters (usr/bin/python3.X with usr/lib/python3.X, the same under usr/local, and
// venvs with a pyvenv.cfg) and the sys.path each one builds at startup.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "fs/tree.h"

namespace imgstrip {

struct PythonEnv {
  std::string version;      // "3.11"
  std::string interpreter;  // "usr/bin/python3.11"; a venv's "opt/venv/bin/python"
  std::string stdlib;       // "usr/lib/python3.11"
  // sys.path as the interpreter builds it, directories without leading '/', in order:
  // PYTHONPATH, the stdlib zip, the stdlib, lib-dynload, the site directories (each
  // followed by the directories its .pth files add).
  std::vector<std::string> sys_path;
  std::vector<std::string> site_dirs;  // the site directories of sys_path (their .pth run)
  // Endings of extension modules, preferred first: ".cpython-311-x86_64-linux-gnu.so",
  // ".abi3.so", ".so".
  std::vector<std::string> extension_suffixes;
  // Modules compiled into the interpreter (no file to find): sys, posix, _io, ...
  std::set<std::string> builtin_modules;
  // Installed distributions' metadata by the top-level name they provide, in site dir
  // terms: "usr/lib/python3/dist-packages/flask" -> {".../Flask-2.2.2.egg-info"}.
  std::map<std::string, std::vector<std::string>> distributions;
};

// Every Python of the image with its sys.path. `pythonpath` is the image config's
// PYTHONPATH split at ':' (absolute directories; empty parts dropped).
std::vector<PythonEnv> python_envs(const FileTree& tree,
                                   const std::vector<std::string>& pythonpath);

// The first `limit` bytes of the regular file at `path` (symlinks followed); "" when it is
// not one or cannot be read. (FileTree::read refuses a file larger than its limit.)
std::string read_start(const FileTree& tree, std::string_view path, size_t limit);

// The top-level module names an installed distribution's metadata directory (*.dist-info,
// *.egg-info) provides: top_level.txt, else the first parts of RECORD, else its own name.
std::vector<std::string> distribution_top_levels(const FileTree& tree, const std::string& info);

}  // namespace imgstrip
