// Reading kept text files for what they refer to: the #! line of a script, the words of a
// shell script that may be commands, and absolute paths (and globs) in configuration files.
// Over-approximations: a word that happens to name a command is kept too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

struct Shebang {
  std::string interpreter;  // "/usr/bin/env", "/bin/sh"
  std::string argument;     // the rest of the line, trimmed ("python3", "-e"); may be empty
};

// The #! line at the start of `head`, if any.
std::optional<Shebang> parse_shebang(std::string_view head);
// The program `#!/usr/bin/env [-S] [-i] [VAR=x] NAME` runs ("NAME"), else nullopt.
std::optional<std::string> env_program(const Shebang& shebang);
// True for the POSIX-like shells whose scripts are scanned for commands.
bool is_shell(std::string_view interpreter);
// True when `head` (the first KiB or so) has no NUL byte and is not ELF.
bool looks_like_text(std::string_view head);

struct TextRef {
  std::string text;
  size_t line = 0;  // 1-based
};

// Absolute paths ("/etc/nginx/modules-enabled/*.conf") in `text`, skipping lines that are
// comments ('#' or ';' first). A path ends at whitespace, quotes, ';', ',', ')' and the like.
std::vector<TextRef> absolute_paths(std::string_view text);
// Words of a shell script that could be command names ("nginx", "envsubst", "[", "php-fpm8.2"),
// without comments; each distinct word once, at its first line.
std::vector<TextRef> shell_words(std::string_view text);
// File names a shell script reaches through a variable directory ("$bindir/resolveip",
// "${BASEDIR}/bin/mariadbd": "resolveip", "mariadbd"), each once, at its first line; the
// caller looks them up as commands.
std::vector<TextRef> variable_dir_names(std::string_view text);
// True when the path has glob characters (*, ?, [).
bool has_glob(std::string_view path);

}  // namespace imgstrip
