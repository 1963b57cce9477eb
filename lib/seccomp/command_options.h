// Whether the image may run a command with one of some options: GNU mkdir sets SELinux
// contexts only with -Z (--context) and changes owners or modes after creating a directory
// only with -m (--mode); GNU sed copies ACLs and SELinux contexts only when it edits in
// place (-i, --in-place). Scripts, configuration and the image's command line say how they
// run a command; the options they pass decide which of its code can run.
//
// A use is the command's name as a word — not a part of a longer name, not a method or
// function of a language (os.mkdir(, fs.mkdirSync, PHP's mkdir($d)) — and the rest of its
// line, backslash-continued lines joined: "mkdir -p /run/php", "/bin/sed -i s/a/b/ f",
// ["sed", "-i", f], system("mkdir -m 700 x"). A use passes the option when an argument of
// that line, before a "--" that ends the options, is
//  - a short-option cluster holding one of the option's letters ("-m", "-pm755", "-Ei");
//  - a long option its name starts with ("--mode=755", "--mo", "--in-place=.bak": the
//    abbreviations getopt_long takes);
//  - something the text does not fix: a variable outside double quotes ($OPTS may be
//    "-m 700"), "$@", "$*", an array's elements, a command substitution ($(...), `...`).
// A use that stores the command for later (MKDIR=mkdir, SED="/bin/sed",
// MKDIR_P="mkdir -p") counts too: what is added where it runs cannot be seen.
//
// Other arguments on the line count as well, whatever command they belong to ("mkdir -p d
// && sed -i ..." turns on both): a line says more than this reads, never less. A command
// name assembled at run time, or one kept in a variable of another language
// (cmd = "mkdir"; run([cmd, "-m", ...])), is what this cannot see: the report says which
// uses decided, so that such an image can be stripped with the gate on.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "seccomp/config_gate.h"

namespace imgstrip {

struct CommandOption {
  std::string_view command;                    // "mkdir"
  std::string_view letters;                    // its short forms: "Z"
  std::vector<std::string_view> long_options;  // {"context"}
};

// The first line of `text` (a file, a command line) with a use of the command that may pass
// the option. In `c_strings` (an ELF object's bytes), a NUL ends a line: each C string is
// one ("mkdir -m 700 %s"); elsewhere control bytes separate arguments, as the strings of
// bytecode are (["mkdir", "-m", d] compiled).
std::optional<ConfigLine> command_option_used(std::string_view text, const CommandOption& option,
                                              bool c_strings = false);

extern const CommandOption kMkdirContext;  // mkdir -Z, --context[=CTX]
extern const CommandOption kMkdirMode;     // mkdir -m, --mode=MODE
extern const CommandOption kSedInPlace;    // sed -i[SUFFIX], --in-place[=SUFFIX]

// The gates' readers (config_gate.h): a text that may run the command with the option, and
// an ELF object (not the command itself: its help text names every option) that may.
std::optional<ConfigLine> mkdir_context_on(std::string_view text);
std::optional<ConfigLine> mkdir_mode_on(std::string_view text);
std::optional<ConfigLine> sed_in_place_on(std::string_view text);
bool mkdir_context_in_object(std::string_view bytes, bool gated);
bool mkdir_mode_in_object(std::string_view bytes, bool gated);
bool sed_in_place_in_object(std::string_view bytes, bool gated);

}  // namespace imgstrip
