// The package database, written back for the kept packages (package_db_files.h), last,
// when every other rule has decided.
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class PackageDbRule : public Rule {
 public:
  std::string_view name() const override { return "package-db"; }

  void finish(ResolveContext& ctx) override {
    if (!ctx.db || !ctx.request.essentials.package_db) return;
    std::vector<const Package*> kept;
    for (auto& p : ctx.db->packages()) {
      if (ctx.selection->contains(p.name)) kept.push_back(&p);
    }
    auto is_kept = [&ctx](const std::string& path) {
      auto r = ctx.tree.lookup(path, false);
      return r && r->entry != nullptr && ctx.keep.contains(r->path);
    };
    PackageDbFiles files = package_db_files(ctx.tree, *ctx.db, kept, is_kept);
    for (auto& p : files.keep) {
      ctx.keep.add_tree(p, {ReasonKind::Essential, "essential: package database", ""});
    }
    for (auto& g : files.generated) {
      if (ctx.excluded(g.entry.path)) continue;
      if (!ctx.keep.add(g.entry.path, {ReasonKind::Generated, g.why, ""})) {
        ctx.keep.add_raw(g.entry.path, {ReasonKind::Generated, g.why, ""});
      }
      ctx.generated.push_back(std::move(g));
    }
    ctx.notes.insert(ctx.notes.end(), files.notes.begin(), files.notes.end());
  }
};

}  // namespace

std::unique_ptr<Rule> package_db_rule() {
  return std::make_unique<PackageDbRule>();
}

}  // namespace imgstrip
