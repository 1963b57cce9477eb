// Configuration: text under etc/, conffiles of kept packages and files other files refer
// to are read for absolute paths and globs that exist; those are kept and read in turn.
#include "core/path.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class ConfigRule : public Rule {
 public:
  std::string_view name() const override { return "config"; }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (!looks_like_text(f.head) || f.entry.size > kTextLimit || init_system_file(f.path)) return;
    if (parse_shebang(f.head)) return;  // a script: the scripts rule reads it
    if (!inside(f.path, "etc") && ctx.config_files.count(f.path) == 0) return;
    if (!ctx.take_text_scan()) return;
    std::string text = ctx.tree.read(f.entry, kTextLimit);
    for (auto& ref : absolute_paths(text))
      ctx.keep_reference(f.path, ref, ReasonKind::ConfigRef);
  }
};

}  // namespace

std::unique_ptr<Rule> config_rule() {
  return std::make_unique<ConfigRule>();
}

}  // namespace imgstrip
