// The Perl rule's reading of sources: which modules a Perl script or module loads
// (`use Foo::Bar`, `require Foo::Bar`, `use parent qw(Foo)`, `use base 'Foo'`) and where
// Debian's perl finds them (@INC), so that a package's Perl modules stay only where a kept
// script uses them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"
#include "resolve/findings.h"

namespace imgstrip {

// True for *.pm / *.pl files and scripts whose #! line names perl.
bool is_perl_source(std::string_view path, std::string_view head);
// @INC of the image's perl as Debian builds it (etc/perl, the versioned and unversioned
// module directories, arch-specific first), those that exist, without leading '/'.
std::vector<std::string> perl_inc(const FileTree& tree);
// True when `path` is inside one of `inc`.
bool in_perl_inc(std::string_view path, const std::vector<std::string>& inc);
// Module names loaded by `text` ("Foo::Bar"), each once, with the line; pragmas (strict,
// warnings, lib, feature...) and version numbers left out. `use parent`/`use base` lists
// count too.
struct PerlUse {
  std::string module;
  size_t line = 0;
};
std::vector<PerlUse> perl_uses(std::string_view text);
// For each module `path` loads: its .pm on @INC, and its XS part (auto/Foo/Bar/, whose
// shared object the ELF closure follows); a module that is not there is a note.
Findings perl_modules(const FileTree& tree, const std::vector<std::string>& inc,
                      const std::string& path, std::string_view text);

}  // namespace imgstrip
