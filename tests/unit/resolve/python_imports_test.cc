// The Python rule (lib/resolve/python_env.h, python_imports.h) on small trees built in
// memory, and on a real Debian root with python3-flask: the fixpoint of python_startup and
// python_imports over a small Flask app keeps what `python3 -c 'import app'` needs, checked
// by running it under chroot with only the kept files.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "core/path.h"
#include "core/tempdir.h"
#include "resolve/keep_set.h"
#include "resolve/python_env.h"
#include "resolve/python_imports.h"
#include "resolve/python_module_names.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using namespace imgstrip::test;

namespace {

const char* kSitePy = "# Debian: /usr/lib/python3/dist-packages\nimport sys\nimport os\n";
const char* kDist = "usr/lib/python3/dist-packages/";
const char* kStd = "usr/lib/python3.11/";

// A Debian-like Python 3.11: the interpreter, a few stdlib modules, dist-packages.
TreeBuilder python_tree() {
  TreeBuilder b;
  b.file("usr/bin/python3.11", "not really ELF", 0755)
      .symlink("usr/bin/python3", "python3.11")
      .file(std::string(kStd) + "os.py", "import abc\nimport sys\nimport stat\n")
      .file(std::string(kStd) + "abc.py", "from _abc import get_cache_token\n")
      .file(std::string(kStd) + "stat.py",
            "try:\n    from _stat import *\nexcept ImportError:\n"
            "    pass\n")
      .file(std::string(kStd) + "site.py", kSitePy)
      .file(std::string(kStd) + "codecs.py", "import builtins\n")
      .file(std::string(kStd) + "io.py", "import abc\n")
      .file(std::string(kStd) + "encodings/__init__.py",
            "import codecs\ndef search(name):\n    mod = __import__('encodings.' + name)\n")
      .file(std::string(kStd) + "encodings/utf_8.py", "import codecs\n")
      .file(std::string(kStd) + "json/__init__.py", "from .decoder import JSONDecoder\n")
      .file(std::string(kStd) + "json/decoder.py", "import re\n")
      .file(std::string(kStd) + "re.py", "import enum\n")
      .file(std::string(kStd) + "enum.py", "import sys\n")
      .file(std::string(kStd) + "unused.py", "import os\n")
      .file(std::string(kStd) + "lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
            "\x7f"
            "ELF")
      .dir("usr/local/lib/python3.11/dist-packages");
  return b;
}

PythonEnv env_of(const FileTree& tree, std::vector<std::string> pythonpath = {}) {
  auto envs = python_envs(tree, pythonpath);
  REQUIRE(envs.size() >= 1);
  return envs[0];
}

std::vector<std::string> kept_paths(const Findings& f) {
  std::vector<std::string> out;
  for (auto& k : f.keep)
    out.push_back(k.path + (k.tree ? "/" : ""));
  std::sort(out.begin(), out.end());
  return out;
}

bool has(const Findings& f, const std::string& path, bool tree) {
  return std::any_of(f.keep.begin(), f.keep.end(),
                     [&](auto& k) { return k.path == path && k.tree == tree; });
}

bool noted(const Findings& f, const std::string& part) {
  return std::any_of(f.notes.begin(), f.notes.end(),
                     [&](auto& n) { return n.find(part) != std::string::npos; });
}

// The resolver's loop for the Python rule alone: the interpreter's startup set and the
// given files, then the imports of every kept Python file (in kept trees too), until
// nothing new is kept.
struct Closure {
  KeepSet keep;
  std::vector<std::string> notes;
  size_t scanned = 0;
};

Closure python_closure(const FileTree& tree, const PythonEnv& env,
                       const std::vector<std::string>& files, bool startup = true) {
  Closure c{KeepSet(tree), {}, 0};
  auto apply = [&](const Findings& f, const std::string& from) {
    for (auto& k : f.keep) {
      Reason r{ReasonKind::File, k.why, from};
      if (k.tree) {
        c.keep.add_tree(k.path, r);
      } else {
        c.keep.add(k.path, r);
      }
    }
    c.notes.insert(c.notes.end(), f.notes.begin(), f.notes.end());
  };
  if (startup) apply(python_startup(tree, env), env.interpreter);
  for (auto& f : files)
    c.keep.add(f, {ReasonKind::File, "the app", ""});
  for (size_t next = 0; next < c.keep.order().size(); ++next) {
    std::string p = c.keep.order()[next];
    const Entry* e = tree.find(p);
    if (e == nullptr || e->type != FileType::Regular) continue;
    if (!is_python_source(p, read_start(tree, p, 256))) continue;
    ++c.scanned;
    apply(python_imports(tree, env, p), p);
  }
  return c;
}

}  // namespace

TEST_CASE("python: is_python_source", "[python]") {
  CHECK(is_python_source("app/x.py", ""));
  CHECK(is_python_source("usr/bin/tool", "#!/usr/bin/python3\nimport x\n"));
  CHECK(is_python_source("usr/bin/tool", "#!/usr/bin/python3.11 -u\n"));
  CHECK(is_python_source("usr/bin/tool", "#!/usr/bin/env python3\n"));
  CHECK_FALSE(is_python_source("usr/bin/tool", "#!/bin/sh\n"));
  CHECK_FALSE(is_python_source("usr/bin/tool", "#!/usr/bin/env pythonic\n"));
  CHECK_FALSE(is_python_source("x.pyc", "\x6f\x0d\x0d\x0a"));
}

TEST_CASE("python: the sys.path of Debian's python3, PYTHONPATH, .pth files", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "extra.pth", "# comment\nimport os; os.x = 1\nextra_dir\n/opt/abs\n")
      .dir(std::string(kDist) + "extra_dir")
      .dir("opt/abs")
      .dir("app")
      .symlink("srv", "app");
  FileTree tree = b.build();
  auto envs = python_envs(tree, {"/srv", "/missing"});
  REQUIRE(envs.size() == 1);
  const PythonEnv& env = envs[0];
  CHECK(env.version == "3.11");
  CHECK(env.interpreter == "usr/bin/python3.11");
  CHECK(env.stdlib == "usr/lib/python3.11");
  CHECK(env.sys_path ==
        std::vector<std::string>{"app", "usr/lib/python3.11", "usr/lib/python3.11/lib-dynload",
                                 "usr/local/lib/python3.11/dist-packages",
                                 "usr/lib/python3/dist-packages",
                                 "usr/lib/python3/dist-packages/extra_dir", "opt/abs"});
  CHECK(env.site_dirs == std::vector<std::string>{"usr/local/lib/python3.11/dist-packages",
                                                  "usr/lib/python3/dist-packages"});
  CHECK(env.extension_suffixes ==
        std::vector<std::string>{".cpython-311-x86_64-linux-gnu.so", ".abi3.so", ".so"});
  CHECK(env.builtin_modules.count("sys") == 1);
}

TEST_CASE("python: an upstream build under usr/local and a venv", "[python]") {
  TreeBuilder b;
  b.file("usr/local/bin/python3.12", "x", 0755)
      .file("usr/local/lib/python3.12/os.py", "")
      .file("usr/local/lib/python3.12/site.py", "# site-packages only\n")
      .file("usr/local/lib/python3.12/site-packages/requests/__init__.py", "")
      .file("usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info/RECORD",
            "requests/__init__.py,sha256=x,1\nrequests-2.31.0.dist-info/RECORD,,\n")
      .file("opt/venv/pyvenv.cfg",
            "home = /usr/local/bin\ninclude-system-site-packages = false\n"
            "version = 3.12.1\n")
      .symlink("opt/venv/bin/python3.12", "/usr/local/bin/python3.12")
      .file("opt/venv/lib/python3.12/site-packages/flask/__init__.py", "");
  FileTree tree = b.build();
  auto envs = python_envs(tree, {});
  REQUIRE(envs.size() == 2);
  CHECK(envs[0].sys_path == std::vector<std::string>{"usr/local/lib/python3.12",
                                                     "usr/local/lib/python3.12/site-packages"});
  CHECK(
      envs[0].distributions.at("usr/local/lib/python3.12/site-packages/requests") ==
      std::vector<std::string>{"usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info"});
  CHECK(envs[1].interpreter == "opt/venv/bin/python3.12");
  CHECK(envs[1].sys_path == std::vector<std::string>{"usr/local/lib/python3.12",
                                                     "opt/venv/lib/python3.12/site-packages"});
  auto f = python_startup(tree, envs[1]);
  CHECK(has(f, "opt/venv/pyvenv.cfg", false));
}

TEST_CASE("python: a script's imports, kept module by module", "[python]") {
  auto b = python_tree();
  b.file("app/app.py",
         "import json, os\n"
         "import helpers\n"
         "from flask import Flask\n"
         "import mypkg.sub\n"
         "import sys\n")
      .file("app/helpers.py", "")
      .file("app/mypkg/__init__.py", "")
      .file("app/mypkg/sub.py", "")
      .file(std::string(kDist) + "flask/__init__.py", "from .app import Flask\n")
      .file(std::string(kDist) + "flask/app.py", "")
      .file(std::string(kDist) + "Flask-2.2.2.egg-info/top_level.txt", "flask\n")
      .file(std::string(kDist) + "Jinja2-3.1.2.egg-info/top_level.txt", "jinja2\n");
  FileTree tree = b.build();
  auto f = python_imports(tree, env_of(tree), "app/app.py");
  INFO(Catch::Detail::stringify(f.notes));
  // Packages as their directory and __init__, modules one by one: flask/app.py and
  // json/decoder.py are for the fixpoint to find in those __init__ files.
  CHECK(kept_paths(f) ==
        std::vector<std::string>{"app/helpers.py", "app/mypkg", "app/mypkg/__init__.py",
                                 "app/mypkg/sub.py", "usr/lib/python3.11/json",
                                 "usr/lib/python3.11/json/__init__.py", "usr/lib/python3.11/os.py",
                                 "usr/lib/python3/dist-packages/Flask-2.2.2.egg-info/",
                                 "usr/lib/python3/dist-packages/flask",
                                 "usr/lib/python3/dist-packages/flask/__init__.py"});
  CHECK(f.notes.empty());  // sys is built in
  auto why =
      std::find_if(f.keep.begin(), f.keep.end(), [](auto& k) { return k.path.ends_with("flask"); });
  CHECK(why->why == "from flask import Flask in /app/app.py:3");
}

TEST_CASE("python: relative imports, and beyond the top", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "pkg/__init__.py", "")
      .file(std::string(kDist) + "pkg/mod.py", "")
      .file(std::string(kDist) + "pkg/sub/__init__.py", "")
      .file(std::string(kDist) + "pkg/sub/x.py",
            "from . import sibling\nfrom .. import mod\nfrom ..mod import y\n"
            "from ....toofar import z\n")
      .file("app/main.py", "from . import x\n")
      .file("srv/proj/web/__init__.py", "")
      .file("srv/proj/web/views.py", "from .models import M\nfrom web import models\n")
      .file("srv/proj/web/models.py", "");
  FileTree tree = b.build();
  PythonEnv env = env_of(tree);
  auto f = python_imports(tree, env, std::string(kDist) + "pkg/sub/x.py");
  INFO(Catch::Detail::stringify(f.notes));
  CHECK(kept_paths(f) == std::vector<std::string>{"usr/lib/python3/dist-packages/pkg",
                                                  "usr/lib/python3/dist-packages/pkg/__init__.py",
                                                  "usr/lib/python3/dist-packages/pkg/mod.py",
                                                  "usr/lib/python3/dist-packages/pkg/sub",
                                                  "usr/lib/python3/dist-packages/pkg/sub/"
                                                  "__init__.py"});
  CHECK(noted(f,
              "from ....toofar import z in /usr/lib/python3/dist-packages/pkg/sub/x.py:4: "
              "relative import beyond the top-level package"));
  // A script run directly has no package.
  CHECK(noted(python_imports(tree, env, "app/main.py"), "beyond the top-level package"));
  // A package of an application: the directory above it is the script's sys.path[0].
  auto app = python_imports(tree, env, "srv/proj/web/views.py");
  CHECK(kept_paths(app) == std::vector<std::string>{"srv/proj/web", "srv/proj/web/__init__.py",
                                                    "srv/proj/web/models.py"});
  CHECK(app.notes.empty());
}

TEST_CASE("python: from a import b, submodule or attribute; namespace packages", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "ns/sub.py", "")  // ns has no __init__.py
      .file(std::string(kDist) + "ns/other.py", "")
      .file("usr/local/lib/python3.11/dist-packages/ns/more/__init__.py", "")
      .file("app/a.py",
            "from ns import sub, attribute\nimport ns.more\nfrom json import decoder, "
            "loads\n");
  FileTree tree = b.build();
  auto f = python_imports(tree, env_of(tree), "app/a.py");
  INFO(Catch::Detail::stringify(f.notes));
  // The namespace's directories as directories, the submodules, the packages with their
  // __init__; the attribute is nothing.
  CHECK(kept_paths(f) ==
        std::vector<std::string>{
            "usr/lib/python3.11/json", "usr/lib/python3.11/json/__init__.py",
            "usr/lib/python3.11/json/decoder.py", "usr/lib/python3/dist-packages/ns",
            "usr/lib/python3/dist-packages/ns/sub.py", "usr/local/lib/python3.11/dist-packages/ns",
            "usr/local/lib/python3.11/dist-packages/ns/more",
            "usr/local/lib/python3.11/dist-packages/ns/more/__init__.py"});
  CHECK(f.notes.empty());
}

TEST_CASE("python: extension modules", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "fast.cpython-311-x86_64-linux-gnu.so",
         "\x7f"
         "ELF")
      .file(std::string(kDist) + "fast.py", "")  // the extension wins
      .file(std::string(kDist) + "stable.abi3.so",
            "\x7f"
            "ELF")
      .file(std::string(kDist) + "plain.so",
            "\x7f"
            "ELF")
      .file("app/a.py", "import fast, stable, plain, _ssl\n");
  FileTree tree = b.build();
  auto f = python_imports(tree, env_of(tree), "app/a.py");
  CHECK(kept_paths(f) == std::vector<std::string>{
                             "usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
                             "usr/lib/python3/dist-packages/fast.cpython-311-x86_64-linux-gnu.so",
                             "usr/lib/python3/dist-packages/plain.so",
                             "usr/lib/python3/dist-packages/stable.abi3.so"});
}

TEST_CASE("python: distribution metadata is kept with the package", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "yaml/__init__.py", "")
      .file(std::string(kDist) + "PyYAML-6.0.dist-info/top_level.txt", "_yaml\nyaml\n")
      .file(std::string(kDist) + "PyYAML-6.0.dist-info/entry_points.txt", "")
      .file(std::string(kDist) + "six.py", "")
      .file(std::string(kDist) + "six-1.16.0.egg-info", "Metadata-Version: 1.2\n")
      .file("app/a.py", "import yaml, six\n");
  FileTree tree = b.build();
  auto f = python_imports(tree, env_of(tree), "app/a.py");
  CHECK(kept_paths(f) ==
        std::vector<std::string>{"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/",
                                 "usr/lib/python3/dist-packages/six-1.16.0.egg-info",
                                 "usr/lib/python3/dist-packages/six.py",
                                 "usr/lib/python3/dist-packages/yaml",
                                 "usr/lib/python3/dist-packages/yaml/__init__.py"});
}

TEST_CASE("python: missing modules are notes, optional ones say so", "[python]") {
  auto b = python_tree();
  b.file("app/a.py",
         "try:\n    import ujson as json\nexcept ImportError:\n    import json\n"
         "import requests\nimport json.nope\n");
  FileTree tree = b.build();
  auto f = python_imports(tree, env_of(tree), "app/a.py");
  INFO(Catch::Detail::stringify(f.notes));
  CHECK(kept_paths(f) ==
        std::vector<std::string>{"usr/lib/python3.11/json", "usr/lib/python3.11/json/__init__.py"});
  CHECK(noted(f, "optional module ujson (import ujson in /app/a.py:2) is not in the image"));
  CHECK(noted(f, "python: module requests (import requests in /app/a.py:5) is not in the image"));
  CHECK(noted(f, "module json.nope"));
  CHECK(f.notes.size() == 3);
}

TEST_CASE("python: dynamic imports keep their package whole, or are a note", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "plug/__init__.py", "")
      .file(std::string(kDist) + "plug/loader.py",
            "import importlib\ndef load(n):\n    return importlib.import_module(n)\n")
      .file(std::string(kStd) + "dyn.py", "def f(n):\n    return __import__(n)\n")
      .file("app/a.py", "m = __import__('json')\n");
  FileTree tree = b.build();
  PythonEnv env = env_of(tree);
  auto f = python_imports(tree, env, std::string(kDist) + "plug/loader.py");
  CHECK(has(f, "usr/lib/python3/dist-packages/plug", true));
  CHECK(noted(f,
              "importlib.import_module(...) in /usr/lib/python3/dist-packages/plug/loader.py:3"
              " imports a module not known statically; kept "
              "/usr/lib/python3/dist-packages/plug whole"));
  auto std = python_imports(tree, env, std::string(kStd) + "dyn.py");
  CHECK(std.keep.empty());
  CHECK(noted(std, "__import__(...) in /usr/lib/python3.11/dyn.py:2"));
  // A constant name is an import like any other.
  CHECK(kept_paths(python_imports(tree, env, "app/a.py")) ==
        std::vector<std::string>{"usr/lib/python3.11/json", "usr/lib/python3.11/json/__init__.py"});
}

TEST_CASE("python: startup set and .pth import lines", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "hook.pth", "import _hook\nsomedir\n")
      .file(std::string(kDist) + "_hook.py", "")
      .symlink(std::string(kStd) + "sitecustomize.py", "/etc/python3.11/sitecustomize.py")
      .file("etc/python3.11/sitecustomize.py",
            "try:\n    import apport_python_hook\n"
            "except ImportError:\n    pass\n");
  FileTree tree = b.build();
  PythonEnv env = env_of(tree);
  auto f = python_startup(tree, env);
  INFO(Catch::Detail::stringify(f.notes));
  for (auto p : {"usr/lib/python3.11/site.py", "usr/lib/python3.11/os.py",
                 "usr/lib/python3.11/sitecustomize.py", "usr/lib/python3/dist-packages/hook.pth",
                 "usr/lib/python3/dist-packages/_hook.py", "usr/lib/python3.11/lib-dynload"}) {
    INFO(p);
    CHECK(has(f, p, false));
  }
  CHECK(has(f, "usr/lib/python3.11/encodings/__init__.py", false));
  CHECK(noted(f, "module posixpath"));  // not in this small tree
  // The fixpoint adds what they import; the app's imports come on top.
  auto c = python_closure(tree, env, {});
  CHECK(c.keep.contains("usr/lib/python3.11/stat.py"));
  CHECK(c.keep.contains("usr/lib/python3.11/codecs.py"));
  CHECK(c.keep.contains("etc/python3.11/sitecustomize.py"));
  // encodings imports its codecs by a computed name: the package stays whole.
  CHECK(c.keep.contains("usr/lib/python3.11/encodings/utf_8.py"));
  CHECK_FALSE(c.keep.contains("usr/lib/python3.11/json"));
  CHECK_FALSE(c.keep.contains("usr/lib/python3.11/unused.py"));
  CHECK(std::any_of(c.notes.begin(), c.notes.end(), [](auto& n) {
    return n.find("optional module apport_python_hook") != std::string::npos;
  }));
}

TEST_CASE("python: cyclic imports reach a fixpoint", "[python]") {
  auto b = python_tree();
  b.file("app/a.py", "import b\n").file("app/b.py", "import c\n").file("app/c.py", "import a\n");
  FileTree tree = b.build();
  auto c = python_closure(tree, env_of(tree), {"app/a.py"}, false);
  CHECK(c.keep.contains("app/b.py"));
  CHECK(c.keep.contains("app/c.py"));
  CHECK(c.scanned == 3);
}

TEST_CASE("python: malformed sources are notes, never failures", "[python]") {
  std::string big = "import json\n";
  while (big.size() < (size_t{10} << 20))
    big += "x = '" + std::string(1000, 'a') + "'  # import nothing\n";
  big += "import os\n";  // beyond what is read
  auto b = python_tree();
  b.file("app/binary.py", std::string("\x7f"
                                      "ELF\0\0import os",
                                      13))
      .file("app/unterminated.py", "x = '''\nimport json\n")
      .file("app/broken.py", "import json\nx = 'oops\nfrom ( import )\nfrom .... import\n")
      .file("app/big.py", big)
      .symlink("app/loop.py", "loop.py");
  FileTree tree = b.build();
  PythonEnv env = env_of(tree);
  CHECK(noted(python_imports(tree, env, "app/binary.py"), "is not text"));
  auto u = python_imports(tree, env, "app/unterminated.py");
  CHECK(u.keep.empty());
  CHECK(noted(u, "unterminated string"));
  auto broken = python_imports(tree, env, "app/broken.py");
  CHECK(kept_paths(broken) ==
        std::vector<std::string>{"usr/lib/python3.11/json", "usr/lib/python3.11/json/__init__.py"});
  auto start = std::chrono::steady_clock::now();
  auto large = python_imports(tree, env, "app/big.py");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(kept_paths(large) ==
        std::vector<std::string>{"usr/lib/python3.11/json", "usr/lib/python3.11/json/__init__.py"});
  CHECK(noted(large, "only its start was read"));
  CHECK(noted(python_imports(tree, env, "app/loop.py"), "not a regular file"));
  CHECK(noted(python_imports(tree, env, "app/nothing.py"), "not a regular file"));
}

TEST_CASE("python: thousands of modules import each other quickly", "[python]") {
  auto b = python_tree();
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    std::string src;
    for (int k : {1, 7, 31}) {
      src += "import m" + std::to_string((i * k + k) % n) + "\n";
    }
    src += "from pkg" + std::to_string(i % 50) + " import mod" + std::to_string(i % 7) + "\n";
    src += "try:\n    import missing" + std::to_string(i) + "\nexcept ImportError:\n    pass\n";
    b.file("app/m" + std::to_string(i) + ".py", src);
  }
  for (int p = 0; p < 50; ++p) {
    b.file("usr/lib/python3/dist-packages/pkg" + std::to_string(p) + "/__init__.py",
           "from . import mod0\nimport json\n");
    for (int m = 0; m < 7; ++m) {
      b.file("usr/lib/python3/dist-packages/pkg" + std::to_string(p) + "/mod" + std::to_string(m) +
                 ".py",
             "from .mod" + std::to_string((m + 1) % 7) + " import x\nimport re\n");
    }
  }
  FileTree tree = b.build();
  PythonEnv env = env_of(tree);
  auto start = std::chrono::steady_clock::now();
  auto c = python_closure(tree, env, {"app/m0.py"});
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(20));
  CHECK(c.keep.contains("app/m3999.py"));
  CHECK(c.keep.contains("usr/lib/python3/dist-packages/pkg49/mod6.py"));
  CHECK(c.scanned > n);
}

namespace {

const FileTree& flask_tree() {
  static FileTree tree = [] {
    FileTree t = flatten_tar(fixture_tar("make-debian-flask.sh"));
    auto add = [&](const std::string& path, const std::string& data) {
      Entry e;
      e.path = path;
      e.mode = 0644;
      e.size = data.size();
      e.content = t.contents()->append(data);
      t.insert(e);
    };
    Entry d;
    d.path = "app";
    d.type = FileType::Directory;
    d.mode = 0755;
    t.insert(d);
    add("app/app.py",
        "from flask import Flask\n"
        "app = Flask(__name__)\n\n"
        "@app.route('/')\n"
        "def index():\n"
        "    return 'hello from the stripped image'\n");
    return t;
  }();
  return tree;
}

// Bytes of the regular files under `dir` that are in `paths` (all of them when null),
// without the byte-code caches Debian compiles at install time.
uint64_t bytes_under(const FileTree& tree, const std::set<std::string>* paths,
                     const std::string& dir) {
  uint64_t n = 0;
  for (auto& [p, e] : tree.entries()) {
    if (e.type == FileType::Regular && inside(p, dir) &&
        p.find("/__pycache__/") == std::string::npos && (paths == nullptr || paths->count(p) != 0))
      n += e.size;
  }
  return n;
}

}  // namespace

TEST_CASE("python: a Flask app on Debian runs from the kept files alone", "[python][debian]") {
  const FileTree& tree = flask_tree();
  auto envs = python_envs(tree, {"/app"});
  REQUIRE(envs.size() == 1);
  const PythonEnv& env = envs[0];
  CHECK(env.version == "3.11");
  CHECK(env.builtin_modules.count("_socket") == 1);  // from the interpreter's PyInit_ symbols
  Closure c = python_closure(tree, env, {"app/app.py"});
  const KeepSet& k = c.keep;
  for (auto dir : {"flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click"}) {
    INFO(dir);
    CHECK(k.contains(std::string(kDist) + dir + "/__init__.py"));
  }
  CHECK(k.contains(std::string(kDist) + "Flask-2.2.2.egg-info/entry_points.txt"));
  CHECK(k.contains(std::string(kDist) + "markupsafe/_speedups.cpython-311-x86_64-linux-gnu.so"));
  for (auto m : {"site.py", "os.py", "encodings/utf_8.py", "json/__init__.py",
                 "logging/__init__.py", "http/server.py", "typing.py", "dataclasses.py", "uuid.py",
                 "lib-dynload/_json.cpython-311-x86_64-linux-gnu.so"}) {
    INFO(m);
    CHECK(k.contains(std::string(kStd) + m));
  }
  // werkzeug's log handler imports colorama when it is there (a try/except ImportError).
  CHECK(k.contains(std::string(kDist) + "colorama/__init__.py"));
  // Not imported by anything kept.
  for (auto m : {"turtle.py", "sqlite3/__init__.py", "curses/__init__.py", "venv/__init__.py",
                 "distutils/__init__.py", "wsgiref/__init__.py", "mailbox.py", "_pyio.py"}) {
    INFO(m);
    CHECK_FALSE(k.contains(std::string(kStd) + m));
  }

  std::set<std::string> paths = k.paths();
  uint64_t std_kept = bytes_under(tree, &paths, "usr/lib/python3.11");
  uint64_t std_all = bytes_under(tree, nullptr, "usr/lib/python3.11");
  size_t files = 0;
  for (auto& p : paths) {
    const Entry* e = tree.find(p);
    if (e != nullptr && e->type == FileType::Regular) ++files;
  }
  WARN("python closure: " << files << " files kept (" << c.scanned << " Python files read), stdlib "
                          << std_kept / 1024 << " KiB of " << std_all / 1024
                          << " KiB (without __pycache__), " << c.notes.size() << " notes");
  // Imports inside functions count (pydoc through help(), asyncio through jinja2, ...).
  CHECK(std_kept * 10 < std_all * 9);

  SECTION("python3 -c 'import app' runs under chroot with the kept paths and the interpreter") {
    // The interpreter and the ELF closure of it and of the kept extension modules come from
    // the resolver itself: every kept path is a -f.
    StripRequest req;
    req.entrypoint = false;
    req.files = {"/usr/bin/python3", "/usr/bin/python3.11"};
    for (auto& p : paths)
      req.files.push_back("/" + p);
    Resolution r = resolve(tree, config_json(R"({"Env":["PYTHONPATH=/app"]})"), req);
    // The resolver keeps the packages owning them too (python3.11-minimal pulls in the
    // whole stdlib): of what it keeps under the Python directories, only the Python
    // rule's paths stay, so what runs below is what that rule kept.
    std::set<std::string> run;
    for (auto& p : r.paths()) {
      if (!inside(p, "usr/lib/python3.11") && !inside(p, "usr/lib/python3")) run.insert(p);
    }
    run.insert(paths.begin(), paths.end());
    TempDir dir("imgstrip-python");
    extract(tree, run, dir.path() / "root");
    std::string dev = (dir.path() / "root/dev").string();
    REQUIRE(std::system(("mkdir -p " + dev + " && mknod -m 666 " + dev +
                         "/null c 1 3 && mknod -m 666 " + dev + "/urandom c 1 9")
                            .c_str()) == 0);
    int status = 0;
    std::string out =
        command_output("env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin PYTHONPATH=/app chroot " +
                           (dir.path() / "root").string() +
                           " /usr/bin/python3 -c 'import app; "
                           "print(app.app.test_client().get(\"/\").data.decode())' 2>&1",
                       &status);
    INFO(out);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(out.find("hello from the stripped image") != std::string::npos);
    // And the kept stdlib is a fraction of the whole.
    CHECK_FALSE(std::filesystem::exists(dir.path() / "root/usr/lib/python3.11/turtle.py"));
  }
}

TEST_CASE("python: setuptools' distutils shim imports distutils only for a module that does",
          "[python]") {
  auto tree_with = [](const std::string& app, bool stdlib_distutils) {
    auto b = python_tree();
    b.file(std::string(kDist) + "distutils-precedence.pth",
           "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') "
           "== 'local'; enabled and __import__('_distutils_hack').add_shim(); \n")
        .file(std::string(kDist) + "_distutils_hack/__init__.py",
              "import sys\nimport os\n"
              "def ensure_local_distutils():\n    import importlib\n"
              "    importlib.import_module('distutils')\n"
              "class DistutilsMetaFinder:\n    def spec_for_distutils(self):\n"
              "        import importlib\n        try:\n"
              "            mod = importlib.import_module('setuptools._distutils')\n"
              "        except Exception:\n            return\n")
        .file(std::string(kDist) + "_distutils_hack/override.py",
              "__import__('_distutils_hack').do_override()\n")
        .file(std::string(kDist) + "setuptools/__init__.py",
              "import _distutils_hack.override\nimport distutils.core\n")
        .file(std::string(kDist) + "setuptools/_distutils/__init__.py", "import sys\n")
        .file(std::string(kDist) + "setuptools/_distutils/core.py", "import os\n")
        .file(std::string(kDist) + "setuptools-66.1.1.egg-info/top_level.txt",
              "_distutils_hack\npkg_resources\nsetuptools\n")
        .file("app/app.py", app);
    if (stdlib_distutils) {
      b.file(std::string(kStd) + "distutils/__init__.py", "import sys\n")
          .file(std::string(kStd) + "distutils/core.py", "import os\n");
    }
    return b.build();
  };
  auto config = config_json(R"({"Entrypoint":["/usr/bin/python3","/app/app.py"]})");
  const std::string shim = std::string(kDist) + "_distutils_hack/__init__.py";
  const std::string setuptools = std::string(kDist) + "setuptools/__init__.py";
  const std::string distutils = std::string(kStd) + "distutils/__init__.py";

  SECTION("nothing imports distutils: the shim stays, setuptools and distutils go") {
    FileTree tree = tree_with("import json\n", true);
    Resolution r = resolve(tree, config, StripRequest{});
    CHECK(r.keep.contains(shim));
    CHECK(r.keep.contains("usr/lib/python3.11/json/decoder.py"));
    CHECK_FALSE(r.keep.contains(setuptools));
    CHECK_FALSE(r.keep.contains(std::string(kDist) + "setuptools/_distutils/core.py"));
    CHECK_FALSE(r.keep.contains(distutils));
    CHECK(noted(r, "python: /" + shim +
                       " (setuptools' distutils shim) imports distutils and setuptools only "
                       "when something imports distutils; nothing kept does, so it keeps none "
                       "of /usr/lib/python3.11/distutils, /" +
                       std::string(kDist) + "setuptools"));
  }
  SECTION("the app imports distutils: the shim's answer, setuptools' copy, stays too") {
    FileTree tree = tree_with("from distutils.core import setup\n", true);
    Resolution r = resolve(tree, config, StripRequest{});
    CHECK(r.keep.contains(distutils));
    CHECK(r.keep.contains(std::string(kDist) + "setuptools/_distutils/core.py"));
    CHECK(r.keep.contains(setuptools));
    auto& why = r.keep.reasons(setuptools);
    REQUIRE_FALSE(why.empty());
    CHECK(why.front().detail.ends_with(
        "(setuptools' distutils shim; /app/app.py imports distutils)"));
    CHECK_FALSE(noted(r, "setuptools' distutils shim"));
  }
  SECTION("no distutils in the standard library (3.12): the shim answers the import") {
    FileTree tree = tree_with("import distutils.core\n", false);
    Resolution r = resolve(tree, config, StripRequest{});
    CHECK(r.keep.contains(setuptools));
    CHECK(r.keep.contains(std::string(kDist) + "setuptools/_distutils/core.py"));
  }
  SECTION("the app imports setuptools: its own files import distutils") {
    FileTree tree = tree_with("import setuptools\n", true);
    Resolution r = resolve(tree, config, StripRequest{});
    CHECK(r.keep.contains(setuptools));
    CHECK(r.keep.contains(distutils));
    CHECK_FALSE(noted(r, "setuptools' distutils shim"));
  }
}

TEST_CASE("python: a package keeps the modules imported, its bytecode and its data", "[python]") {
  auto b = python_tree();
  const std::string pkg = std::string(kDist) + "pkg/";
  const std::string ext = "_speed.cpython-311-x86_64-linux-gnu.so";
  b.file(pkg + "__init__.py", "")
      .file(pkg + "__pycache__/__init__.cpython-311.pyc", "bytecode")
      .file(pkg + "a.py", "")
      .file(pkg + "__pycache__/a.cpython-311.pyc", "bytecode")
      .file(pkg + "__pycache__/a.cpython-311.opt-1.pyc", "bytecode")
      .file(pkg + "__pycache__/a.cpython-39.pyc", "another Python's")
      .file(pkg + "b.py", "")
      .file(pkg + "__pycache__/b.cpython-311.pyc", "bytecode")
      .file(pkg + ext,
            "\x7f"
            "ELF")
      .file(pkg + "libhelper.so", "loaded by path with ctypes")
      .file(pkg + "schema.json", "{}")
      .file(pkg + "templates/page.html", "<p>")
      .file(pkg + "templates/gen.py", "# data, run by path")
      .file(pkg + "sub/__init__.py", "")
      .file(pkg + "sub/c.py", "")
      .file(pkg + "sub/table.txt", "data of a subpackage")
      .file(pkg + "tests/__init__.py", "")
      .file(pkg + "tests/fixture.txt", "test data")
      .file(std::string(kStd) + "__pycache__/os.cpython-311.pyc", "bytecode")
      .file("app/a.py", "import pkg.a\nimport os\n")
      .file("app/star.py", "from pkg import *\n");
  FileTree tree = b.build();
  PythonEnv env = env_of(tree);
  auto f = python_imports(tree, env, "app/a.py");
  std::vector<std::string> expected = {pkg.substr(0, pkg.size() - 1),
                                       pkg + "__init__.py",
                                       pkg + "__pycache__/__init__.cpython-311.pyc",
                                       pkg + "__pycache__/a.cpython-311.opt-1.pyc",
                                       pkg + "__pycache__/a.cpython-311.pyc",
                                       pkg + "a.py",
                                       pkg + "libhelper.so",
                                       pkg + "schema.json",
                                       pkg + "sub/table.txt",
                                       pkg + "templates/",
                                       "usr/lib/python3.11/__pycache__/os.cpython-311.pyc",
                                       "usr/lib/python3.11/os.py"};
  std::sort(expected.begin(), expected.end());
  CHECK(kept_paths(f) == expected);
  auto why = std::find_if(f.keep.begin(), f.keep.end(),
                          [&](auto& k) { return k.path == pkg + "schema.json"; });
  REQUIRE(why != f.keep.end());
  CHECK(why->why == "files of the package /" + pkg.substr(0, pkg.size() - 1) +
                        " (import pkg.a in /app/a.py:1)");
  // `from pkg import *` imports what __all__ names: every submodule.
  CHECK(has(python_imports(tree, env, "app/star.py"), pkg.substr(0, pkg.size() - 1), true));
}

TEST_CASE("python: a dynamic import keeps its package whole after a static one", "[python]") {
  auto b = python_tree();
  b.file(std::string(kDist) + "plug/__init__.py",
         "from . import base\ndef load(n):\n    return __import__('plug.' + n)\n")
      .file(std::string(kDist) + "plug/base.py", "")
      .file(std::string(kDist) + "plug/extra.py", "");
  FileTree tree = b.build();
  auto f = python_imports(tree, env_of(tree), std::string(kDist) + "plug/__init__.py");
  CHECK(has(f, "usr/lib/python3/dist-packages/plug", false));
  CHECK(has(f, "usr/lib/python3/dist-packages/plug", true));
}

TEST_CASE("python: dotted names spelled as whole strings", "[python]") {
  using V = std::vector<std::string>;
  CHECK(python_dotted_names("x = import_string('a.b:C')\ny = \"c.d.e\"\nz = 'f'\n"
                            "w = 'g.h i' + \"j..k\" + '.l.m' + 'n.' + \"1.2\"\n",
                            NameSource::PythonText) == V{"a.b", "c.d.e"});
  std::string bin(
      "\x7f"
      "ELF\0xml.etree.ElementPath\0_strptime\0a.b\0a.b\0x\0c.d",
      46);
  CHECK(python_dotted_names(bin, NameSource::Binary) == V{"xml.etree.ElementPath", "a.b"});
  CHECK(python_dotted_names(std::string(100000, '\0'), NameSource::Binary).empty());
  std::string many;
  for (int i = 0; i < 100; ++i)
    many += "'m.n" + std::to_string(i) + "'\n";
  CHECK(python_dotted_names(many, NameSource::PythonText, 10).size() == 10);
}

TEST_CASE("python: modules named by strings in sources and extension modules", "[python]") {
  auto b = python_tree();
  b.file(std::string(kStd) + "xml/__init__.py", "")
      .file(std::string(kStd) + "xml/etree/__init__.py", "")
      .file(std::string(kStd) + "xml/etree/ElementPath.py", "")
      .file(std::string(kStd) + "xml/etree/ElementTree.py", "import _elementtree\n")
      .file(std::string(kStd) + "lib-dynload/_elementtree.cpython-311-x86_64-linux-gnu.so",
            std::string("\x7f"
                        "ELF\0xml.etree.ElementPath\0pickle.PickleBuffer\0xml.etree\0",
                        58))
      .file(std::string(kStd) + "dbm/__init__.py", "")
      .file(std::string(kStd) + "dbm/ndbm.py", "")
      .file(std::string(kStd) + "_compat.py", "MAP = {'dbm': 'dbm.ndbm', 'x': 'xml.etree'}\n")
      .file(std::string(kStd) + "pickle.py", "")
      .file("app/app.py", "import _compat\nimport xml.etree.ElementTree\n");
  FileTree tree = b.build();
  PythonEnv env = env_of(tree);
  auto so = python_named_modules(
      tree, env, std::string(kStd) + "lib-dynload/_elementtree.cpython-311-x86_64-linux-gnu.so");
  // A top-level module ("pickle") or a package ("xml.etree") alone is no submodule import.
  REQUIRE(so.size() == 1);
  CHECK(so[0].name == "xml.etree.ElementPath");
  CHECK(so[0].package == std::string(kStd) + "xml/__init__.py");
  CHECK(has(so[0].found, std::string(kStd) + "xml/etree/ElementPath.py", false));
  auto text = python_named_modules(tree, env, std::string(kStd) + "_compat.py");
  REQUIRE(text.size() == 1);
  CHECK(text[0].name == "dbm.ndbm");

  // In the resolver: a named module stays once its package is imported; dbm is not.
  auto config = config_json(R"({"Entrypoint":["/usr/bin/python3","/app/app.py"]})");
  Resolution r = resolve(tree, config, StripRequest{});
  CHECK(r.keep.contains(std::string(kStd) + "xml/etree/ElementTree.py"));
  CHECK(r.keep.contains(std::string(kStd) + "xml/etree/ElementPath.py"));
  CHECK(r.keep.contains(std::string(kStd) + "_compat.py"));
  CHECK_FALSE(r.keep.contains(std::string(kStd) + "dbm/ndbm.py"));
  CHECK_FALSE(r.keep.contains(std::string(kStd) + "dbm/__init__.py"));
}
