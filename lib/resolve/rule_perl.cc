// Perl: the modules of a package reached only through Depends (perl's own library,
// libdbi-perl...) stay where a kept Perl script or module loads them (perl_modules.h).
#include <optional>

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
    if (inc(ctx).empty() || !is_perl_source(f.path, f.head) || f.entry.size > kTextLimit) return;
    if (!looks_like_text(f.head)) return;
    std::string text = ctx.tree.read(f.entry, kTextLimit);
    ctx.keep_findings(f.path, perl_modules(ctx.tree, inc(ctx), f.path, text), ReasonKind::Import);
  }

 private:
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
