// One rule of the resolver: a single reason for keeping paths (packages, the entrypoint,
// scripts, ELF dependencies, a language's imports...). The resolver offers every newly kept
// regular file to every rule and runs rounds until no rule keeps anything new; adding a
// runtime means adding a rule (rules.h) and its test.
#pragma once

#include <string>
#include <string_view>

#include "resolve/context.h"

namespace imgstrip {

// A regular file the KeepSet just gained, with its first bytes (to tell ELF, scripts and
// sources apart without reading all of it).
struct KeptFile {
  const std::string& path;  // real path, no leading '/'
  const Entry& entry;
  std::string_view head;  // the first KiB
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view name() const = 0;
  // Once, before the first round: requests of the user and of the image config.
  virtual void start(ResolveContext&) {}
  // Every newly kept non-empty regular file, once.
  virtual void file(ResolveContext&, const KeptFile&) {}
  // Once a round, after the new files were offered: work the rule collected.
  virtual void round(ResolveContext&) {}
  // Each time the rounds reach a fixpoint: decisions that need everything else known first
  // (whether anything runs a named package's commands). Returns true when it kept more;
  // the rounds then go on.
  virtual bool settle(ResolveContext&) { return false; }
  // Once, after the last fixpoint (the loader cache, the package database).
  virtual void finish(ResolveContext&) {}
  // True when a file of a package reached only through Depends is kept by this rule when
  // something uses it (a command when it is run, a module when it is imported), so the
  // package rule leaves it out until then.
  virtual bool on_demand(const ResolveContext&, const Entry&) const { return false; }
  // True when a file of a kept package is an optional part that its program looks for and
  // runs without (PostgreSQL's JIT provider): the package rule leaves it out, named package
  // or not, and records it in ResolveContext::left_out; the rule keeps it itself when the
  // image turns that part on.
  virtual bool optional(const ResolveContext&, const Entry&) const { return false; }
};

}  // namespace imgstrip
