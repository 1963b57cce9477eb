// The names an image's scripts can call, read from the kept files and the image's command
// line. A Python or PHP builtin whose name is none of these, nor one the runtime's own C
// code holds (named_functions.h), is not called: the interpreter finds a builtin by the
// name code spells.
//
// Python: every identifier of every kept file that is not an ELF object (sources,
// bytecode, templates, configuration). PHP runs only what follows an open tag (<?php, <?=,
// <? when short tags are on), whatever file it includes, and reads function names from its
// configuration (output_handler, unserialize_callback_func, auto_prepend_file), which
// php.ini, pool files, per-directory .user.ini/.htaccess and a web server's settings for
// it (fastcgi_param PHP_VALUE, php_value) set: the identifiers of kept files from their
// first open tag on, of PHP's configuration files (etc/php*, *.ini, .htaccess) whole, and
// of the PHP settings in any other file.
//
// A name computed at run time from pieces (getattr(os, "set" + x), $f = "proc_" . $x),
// or read from data the image does not hold (eval of a database row), is the exception
// this cannot see; the report lists what was left out, so that such an application can be
// stripped with the name in a kept file.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"
#include "seccomp/named_functions.h"

namespace imgstrip {

// The identifiers of `data` into `out`. Bytecode runs strings into their neighbours
// (marshal's type bytes are letters, and so are some lengths): in `binary` data each run
// is also split at the letters marshal uses as string types.
void add_identifiers(std::string_view data, bool binary, NameSet& out);

// The identifiers PHP can run or read from `data`, a kept file at `path` (normalized).
void add_php_identifiers(std::string_view path, std::string_view data, NameSet& out);

struct ScriptNames {
  std::optional<CalledNames> names;  // unset: not gated
  std::string why_not;               // when unset, and script code is kept
};

// No kept Python or PHP script: unset, nothing to gate. A kept archive an interpreter
// loads code from (*.zip, *.egg, *.whl, *.pyz, *.phar) hides its code from this reading:
// unset, with why.
ScriptNames script_names(const FileTree& tree, const std::set<std::string>& kept,
                         const std::vector<std::string>& command_line);

}  // namespace imgstrip
