// Node: the require/import graph of kept JavaScript (node_modules.h), packages kept whole,
// and the builtin modules the image's node loads from files when it starts.
#include "core/path.h"
#include "resolve/node_modules.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class NodeRule : public Rule {
 public:
  std::string_view name() const override { return "node"; }

  void start(ResolveContext& ctx) override {
    env_ = node_env(ctx.tree, split_list(ctx.config.env_value("NODE_PATH").value_or("")),
                    ctx.config.env_value("HOME").value_or("/root"));
  }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (env_.runtimes.empty() || !is_node_source(f.path, f.head)) return;
    ctx.keep_findings(f.path, node_requires(ctx.tree, env_, f.path), ReasonKind::Import);
  }

  void round(ResolveContext& ctx) override {
    if (started_) return;
    for (auto& runtime : env_.runtimes) {
      auto real = ctx.tree.resolve(runtime);
      if (!real || !ctx.keep.contains(*real)) continue;
      started_ = true;
      ctx.keep_findings(*real, node_startup(ctx.tree, env_), ReasonKind::Import);
      return;
    }
  }

 private:
  NodeEnv env_;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<Rule> node_rule() {
  return std::make_unique<NodeRule>();
}

}  // namespace imgstrip
