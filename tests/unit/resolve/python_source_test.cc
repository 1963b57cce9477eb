// The Python import parser (lib/resolve/python_source.h) on each statement form, strings
// that only look like imports, try/except ImportError, dynamic imports and broken input.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "resolve/python_source.h"

using namespace imgstrip;

namespace {

// "a.b" for import a.b, "..pkg:x,y" for from ..pkg import x, y.
std::vector<std::string> imports_of(const std::string& source) {
  std::vector<std::string> out;
  for (auto& i : parse_python_source(source).imports) {
    std::string s = std::string(static_cast<size_t>(i.level), '.') + i.module;
    if (!i.names.empty()) {
      s += ":";
      for (size_t k = 0; k < i.names.size(); ++k)
        s += (k ? "," : "") + i.names[k];
    }
    out.push_back(s);
  }
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("python source: import statements", "[python]") {
  CHECK(imports_of("import os\n") == V{"os"});
  CHECK(imports_of("import a.b.c as x, d\n") == V{"a.b.c", "d"});
  CHECK(imports_of("from a.b import c, d\n") == V{"a.b:c,d"});
  CHECK(imports_of("from a import (b as c,\n  d,  # comment\n  e,\n)\n") == V{"a:b,d,e"});
  CHECK(imports_of("from . import x\n") == V{".:x"});
  CHECK(imports_of("from ..pkg import y\n") == V{"..pkg:y"});
  CHECK(imports_of("from ...x.y import z\n") == V{"...x.y:z"});
  CHECK(imports_of("from x import *\n") == V{"x:*"});
  CHECK(imports_of("import a, \\\n    b\n") == V{"a", "b"});
  CHECK(imports_of("x = 1; import y; z = 2\n") == V{"y"});
  CHECK(imports_of("if True: import z\n") == V{"z"});
  CHECK(imports_of("from __future__ import annotations\nimport q\n") == V{"q"});
  // Not imports.
  CHECK(imports_of("def f():\n    yield from g()\n    raise E from e\n").empty());
  CHECK(imports_of("x = 'import os'\n").empty());
}

TEST_CASE("python source: imports in functions, classes and blocks count", "[python]") {
  auto src = parse_python_source(
      "import a\n"
      "def f():\n"
      "    import b\n"
      "    class C:\n"
      "        from c import d\n"
      "    return 1\n"
      "for x in y:\n"
      "    import e\n");
  REQUIRE(src.imports.size() == 4);
  CHECK(src.imports[0].line == 1);
  CHECK(src.imports[1].module == "b");
  CHECK(src.imports[1].line == 3);
  CHECK(src.imports[2].module == "c");
  CHECK(src.imports[3].line == 8);
  for (auto& i : src.imports)
    CHECK_FALSE(i.optional);
}

TEST_CASE("python source: strings of every form hide what they hold", "[python]") {
  std::string src =
      "s1 = 'it\\'s import a'\n"
      "s2 = \"import b \\\" import c\"\n"
      "s3 = '''\nimport d\n'''\n"
      "s4 = \"\"\"x\n\"import e\"\n\"\"\"\n"
      "s5 = r'\\' import f'\n"
      "s6 = b'import g' + rb\"import h\" + Rb'x' + u'import i'\n"
      "s7 = f'{x!r} import j {y:>{w}} {\"import k\"}'\n"
      "s8 = f\"{d[\"key\"]} import l\"\n"  // Python 3.12 reuses the quote inside {}
      "s9 = f'''{x\n+ 1} import m'''\n"
      "s10 = f'{{import n}}'\n"
      "# import o\n"
      "import real  # import p\n";
  auto src_imports = parse_python_source(src);
  INFO(src_imports.problems.size());
  CHECK(src_imports.problems.empty());
  CHECK(imports_of(src) == V{"real"});
  CHECK(src_imports.imports[0].line == 17);
}

TEST_CASE("python source: try/except ImportError makes an import optional", "[python]") {
  auto src = parse_python_source(
      "try:\n"
      "    import fast\n"
      "except ImportError:\n"
      "    import slow\n"
      "try:\n"
      "    import a\n"
      "except (ValueError, ModuleNotFoundError) as e:\n"
      "    pass\n"
      "try:\n"
      "    import b\n"
      "except ValueError:\n"
      "    pass\n"
      "else:\n"
      "    import c\n"
      "try: import d\n"
      "except: pass\n"
      "def f():\n"
      "    try:\n"
      "        try:\n"
      "            import e\n"
      "        finally:\n"
      "            pass\n"
      "    except Exception:\n"
      "        pass\n"
      "    import f\n"
      "if TYPE_CHECKING:\n"
      "    from typing_only import T\n"
      "import g\n");
  std::map<std::string, bool> optional;
  for (auto& i : src.imports)
    optional[i.module] = i.optional;
  CHECK(optional.at("fast"));
  CHECK(optional.at("slow"));  // the fallback in the handler
  CHECK(optional.at("a"));
  CHECK_FALSE(optional.at("b"));
  CHECK_FALSE(optional.at("c"));
  CHECK(optional.at("d"));
  CHECK(optional.at("e"));
  CHECK_FALSE(optional.at("f"));
  CHECK(optional.count("typing_only") == 0);  // never runs
  CHECK_FALSE(optional.at("g"));
}

TEST_CASE("python source: branches that never run on Linux, and __main__ blocks", "[python]") {
  auto src = parse_python_source(
      "if sys.platform == 'win32':\n"
      "    import winreg\n"
      "elif sys.platform.startswith(('linux', 'freebsd')):\n"
      "    import linuxonly\n"
      "else:\n"
      "    import other\n"
      "if os.name == 'nt':\n"
      "    import nt\n"
      "else:\n"
      "    import posixonly\n"
      "if sys.platform.startswith('win') and WIN:\n"
      "    import colorama\n"
      "if WIN or sys.platform != 'darwin':\n"
      "    import maybe\n"
      "if t.TYPE_CHECKING:\n"
      "    import typing_only\n"
      "if not TYPE_CHECKING:\n"
      "    import runtime\n"
      "if sys.platform in ('darwin', 'win32'): import mac_or_win\n"
      "for x in y:\n"
      "    pass\n"
      "else:\n"
      "    import for_else\n"
      "if __name__ == '__main__':\n"
      "    import doctest\n"
      "    importlib.import_module(name)\n"
      "import last\n");
  std::vector<std::string> modules;
  for (auto& i : src.imports)
    modules.push_back(i.module + (i.main_only ? " (main)" : ""));
  CHECK(modules ==
        V{"linuxonly", "posixonly", "maybe", "runtime", "for_else", "doctest (main)", "last"});
  REQUIRE(src.dynamic.size() == 1);
  CHECK(src.dynamic[0].main_only);
}

TEST_CASE("python source: __import__ and importlib.import_module", "[python]") {
  auto src = parse_python_source(
      "m = __import__('json')\n"
      "import importlib\n"
      "n = importlib.import_module(\"xml.dom\")\n"
      "o = importlib.import_module('.sub', __package__)\n"
      "p = importlib.import_module(name)\n"
      "q = __import__(prefix + 'x')\n"
      "r = import_string('werkzeug.routing:Map')\n"
      "def import_module(name):\n"
      "    pass\n"
      "for ep in pkg_resources.iter_entry_points('x'):\n"
      "    pass\n"
      "eps = importlib.metadata.entry_points()\n"
      "obj.entry_points()\n");
  CHECK(imports_of("m = __import__('json')\n") == V{"json"});
  std::vector<std::string> modules;
  for (auto& i : src.imports)
    modules.push_back(std::string(static_cast<size_t>(i.level), '.') + i.module);
  CHECK(modules == V{"json", "importlib", "xml.dom", ".sub", "werkzeug.routing"});
  std::vector<std::string> dynamic;
  for (auto& d : src.dynamic)
    dynamic.push_back(d.call + ":" + std::to_string(d.line));
  CHECK(dynamic == V{"importlib.import_module:5", "__import__:6",
                     "pkg_resources.iter_entry_points:10", "importlib.metadata.entry_points:12"});
}

TEST_CASE("python source: malformed input is read as far as it goes", "[python]") {
  SECTION("an unterminated string ends at its line") {
    auto src = parse_python_source("x = 'oops\nimport after\n");
    CHECK(imports_of("x = 'oops\nimport after\n") == V{"after"});
    CHECK(src.problems.size() == 1);
  }
  SECTION("an unterminated triple-quoted string runs to the end") {
    auto src = parse_python_source("import a\nx = '''\nimport b\n");
    CHECK(imports_of("import a\nx = '''\nimport b\n") == V{"a"});
    CHECK_FALSE(src.problems.empty());
  }
  SECTION("unbalanced brackets, stray bytes, a lone backslash") {
    CHECK_NOTHROW(parse_python_source("import a\nf(((\nimport b\n"));
    const char stray[] = "import \0\xff\xfe x\n\\";
    CHECK_NOTHROW(parse_python_source(std::string(stray, sizeof stray - 1)));
    CHECK_NOTHROW(parse_python_source("f'{'\nf'{x:{'\nf'''{\"\nfrom\nfrom .\nimport\n"));
    CHECK(imports_of("from\nimport\nfrom . import\nimport x.\n") == V{".", "x"});
  }
  SECTION("deeply nested f-strings") {
    std::string s = "x = ";
    for (int i = 0; i < 200; ++i)
      s += "f'{";
    CHECK_NOTHROW(parse_python_source(s));
  }
  SECTION("CRLF line ends and a BOM") {
    CHECK(imports_of("\xEF\xBB\xBFimport a\r\nimport b\r\n") == V{"a", "b"});
  }
}
