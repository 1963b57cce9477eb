// The image config's Healthcheck: the engine runs its command inside the container (as
// `exec` does: the image's PATH, under the container's seccomp profile) every interval,
// and a stripped image whose check cannot run is reported unhealthy, restarted or kept
// out of service. ["CMD", argv...] is kept like Cmd; ["CMD-SHELL", "command"] runs with
// the config's Shell (Docker's SHELL instruction), /bin/sh -c when it has none; ["NONE"]
// turns off a check the base image set.
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class HealthcheckRule : public Rule {
 public:
  std::string_view name() const override { return "healthcheck"; }

  void start(ResolveContext& ctx) override {
    if (!ctx.request.entrypoint) return;
    std::string unknown;
    auto check = ctx.config.health_check(&unknown);
    if (!unknown.empty())
      ctx.missing.push_back("healthcheck: unknown test type " + unknown +
                            " (expected CMD, CMD-SHELL or NONE); its command is not followed");
    if (check) keep_command(ctx, check->command, "healthcheck");
  }
};

}  // namespace

std::unique_ptr<Rule> healthcheck_rule() {
  return std::make_unique<HealthcheckRule>();
}

}  // namespace imgstrip
