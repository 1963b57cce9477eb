// Perl: the modules of a package reached only through Depends (perl's own library,
// libdbi-perl...) stay where a kept Perl script or module loads them (perl_modules.h).
// Perl code is read only once something can run it: a perl interpreter or libperl (an
// embedding program: PostgreSQL's plperl) is kept. Until then a kept .pm is data
// (postgresql-client's test modules under pgxs), and its `use` lines keep nothing.
#include <optional>

#include "core/path.h"
#include "resolve/command_path.h"
#include "resolve/perl_modules.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class PerlRule : public Rule {
 public:
  std::string_view name() const override { return "perl"; }

  bool on_demand(const ResolveContext& ctx, const Entry& entry) const override {
    return in_perl_inc(entry.path, inc(ctx));
  }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    std::string_view base = base_name(f.path);
    if ((command_dir(f.path) && base.starts_with("perl")) || base.starts_with("libperl.so")) {
      perl_runs_ = true;
    }
    if (inc(ctx).empty() || !is_perl_source(f.path, f.head) || f.entry.size > kTextLimit) return;
    if (!looks_like_text(f.head)) return;
    pending_.push_back(&f.entry);
  }

  void round(ResolveContext& ctx) override {
    if (!perl_runs_) return;
    for (const Entry* e : pending_) {
      std::string text = ctx.tree.read(*e, kTextLimit);
      ctx.keep_findings(e->path, perl_modules(ctx.tree, inc(ctx), e->path, text),
                        ReasonKind::Import);
    }
    pending_.clear();
  }

  void finish(ResolveContext& ctx) override {
    if (!pending_.empty()) {
      ctx.notes.push_back(std::to_string(pending_.size()) +
                          " Perl files kept as data: no perl interpreter or libperl is kept, so "
                          "their `use` lines were not followed");
    }
  }

 private:
  bool perl_runs_ = false;             // a perl interpreter or libperl is kept
  std::vector<const Entry*> pending_;  // Perl sources not read yet
  // Found on first use: the package rule asks before this rule has started.
  const std::vector<std::string>& inc(const ResolveContext& ctx) const {
    if (!inc_) inc_ = perl_inc(ctx.tree);
    return *inc_;
  }

  mutable std::optional<std::vector<std::string>> inc_;
};

}  // namespace

std::unique_ptr<Rule> perl_rule() {
  return std::make_unique<PerlRule>();
}

}  // namespace imgstrip
