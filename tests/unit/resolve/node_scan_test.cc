// The JavaScript specifier scanner: every form of require/import/export, and the
// comments, strings, templates and regular expressions it must not read as code.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "resolve/node_scan.h"

using namespace imgstrip;

namespace {

// "kind spec@line" for each constant specifier, "kind ?@line" for an expression.
std::vector<std::string> scan(const std::string& source) {
  std::vector<std::string> out;
  for (auto& imp : js_imports(source)) {
    out.push_back(std::string(js_import_kind_name(imp.kind)) + " " +
                  (imp.constant ? imp.specifier : "?") + "@" + std::to_string(imp.line));
  }
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("node scan: require forms", "[node]") {
  CHECK(scan("const a = require('a');\nconst b = require(\"b\")") ==
        V{"require a@1", "require b@2"});
  CHECK(scan("require(`c`); module.require('d'); require.resolve('e/package.json')") ==
        V{"require c@1", "require d@1", "require.resolve e/package.json@1"});
  CHECK(scan("const {x} = require ( 'spaced' ) ;") == V{"require spaced@1"});
  CHECK(scan("require('\\x61b\\u0063')") == V{"require abc@1"});
  // Expressions: noted, no specifier.
  CHECK(scan("require(name)\nrequire('./locale/' + lang)\nrequire(`./x/${y}`)") ==
        V{"require ?@1", "require ?@2", "require ?@3"});
  // Not calls of the global require.
  CHECK(scan("foo.require('no'); function require(x) {} ; typeof require; require()").empty());
  CHECK(scan("obj?.require('no')").empty());
  // A bundle's module table (browserify's require(4)) is not Node's require.
  CHECK(scan("var s = require(4), p = require(0x3)").empty());
}

TEST_CASE("node scan: import and export forms", "[node]") {
  CHECK(scan("import x from 'y';") == V{"import y@1"});
  CHECK(scan("import {a, b as c} from \"y2\"") == V{"import y2@1"});
  CHECK(scan("import * as ns from 'y3'") == V{"import y3@1"});
  CHECK(scan("import d, {e} from 'y4'\nimport f, * as g from 'y5'") ==
        V{"import y4@1", "import y5@2"});
  CHECK(scan("import 'side-effect'") == V{"import side-effect@1"});
  CHECK(scan("import type {T} from 'types-only'") == V{"import types-only@1"});
  CHECK(scan("import json from './data.json' with { type: 'json' }") == V{"import ./data.json@1"});
  CHECK(scan("export * from 'e1'\nexport * as n from 'e2'\nexport {a, b as c} from 'e3'") ==
        V{"export from e1@1", "export from e2@2", "export from e3@3"});
  CHECK(scan("export {a}\nimport b from 'after'") == V{"import after@2"});
  CHECK(scan("export default function () {}\nexport const from = 'x'").empty());
  CHECK(scan("const m = await import('dyn');\nimport(`tpl`)\nimport(path)") ==
        V{"import() dyn@1", "import() tpl@2", "import() ?@3"});
  CHECK(scan("import('opts', { with: { type: 'json' } })") == V{"import() opts@1"});
  // Not imports.
  CHECK(scan("console.log(import.meta.url); obj.import('x'); ({import: 1})").empty());
  CHECK(scan("import\n  {\n a\n }\n from\n 'multi'") == V{"import multi@1"});
}

TEST_CASE("node scan: comments, strings, templates and regexes hide code", "[node]") {
  CHECK(scan("// require('c1')\n/* require('c2')\n import x from 'c3' */ require('real')") ==
        V{"require real@3"});
  CHECK(scan("#!/usr/bin/env node\nrequire('after-shebang')") == V{"require after-shebang@2"});
  CHECK(scan("const s = \"require('s1')\"; const t = 'import x from \"s2\"';").empty());
  CHECK(scan("const t = `require('t1') ${require('inside')} import 'no'`;") ==
        V{"require inside@1"});
  CHECK(scan("const t = `${ {a: `${require('deep')}`}.a } }`; require('after')") ==
        V{"require deep@1", "require after@1"});
  CHECK(scan("const r = /require('r1')/g; require('r2')") == V{"require r2@1"});
  CHECK(scan("const r = /[/]require('r1')/; require('r2')") == V{"require r2@1"});
  CHECK(scan("const q = a / b / require('div')") == V{"require div@1"});
  CHECK(scan("if (x) return /'/.test(y); require('q')") == V{"require q@1"});
  CHECK(scan("x = (a) / 2; require('paren')") == V{"require paren@1"});
  // Line numbers count newlines inside comments, strings and templates.
  CHECK(scan("/*\n\n*/`\n`\n'a\\\nb'\nrequire('l')") == V{"require l@7"});
}

TEST_CASE("node scan: broken sources end without a crash", "[node]") {
  // An unterminated string ends at its line; the call around it is then an expression.
  CHECK(scan("require('unterminated\nrequire('next')") == V{"require ?@1", "require next@2"});
  CHECK(scan("`never closed ${ require('x')").size() == 1);
  CHECK(scan("/* never closed require('x')").empty());
  CHECK(scan("import {a, b").empty());
  CHECK(scan("require(").empty());
  CHECK(scan("export * as").empty());
  std::string nested(100000, '{');
  CHECK(scan(nested + "require('n')").size() == 1);
  std::string templates;
  for (int i = 0; i < 10000; ++i)
    templates += "`${";
  CHECK_NOTHROW(scan(templates));
  CHECK(scan(std::string("\0require('nul')", 15)) == V{"require nul@1"});
}
