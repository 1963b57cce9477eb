// --command: command lines containers of the image run that its config does not say (a
// compose `command:` or `entrypoint:` override, Kubernetes `command:`/`args:`, an exec
// probe), kept as the config's Cmd is, with or without --no-entrypoint.
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class RequestCommandsRule : public Rule {
 public:
  std::string_view name() const override { return "commands"; }

  void start(ResolveContext& ctx) override {
    for (const auto& argv : ctx.request.commands)
      keep_command(ctx, argv, "--command");
  }
};

}  // namespace

std::unique_ptr<Rule> request_commands_rule() {
  return std::make_unique<RequestCommandsRule>();
}

}  // namespace imgstrip
