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
    std::vector<std::string> test = ctx.config.healthcheck();
    if (test.empty() || test[0] == "NONE") return;
    std::vector<std::string> argv(test.begin() + 1, test.end());
    if (test[0] == "CMD-SHELL") {
      if (argv.empty()) return;
      std::vector<std::string> shell = ctx.config.shell();
      if (shell.empty()) shell = {"/bin/sh", "-c"};
      shell.insert(shell.end(), argv.begin(), argv.end());
      argv = std::move(shell);
    } else if (test[0] != "CMD") {
      ctx.missing.push_back("healthcheck: unknown test type " + test[0] +
                            " (expected CMD, CMD-SHELL or NONE); its command is not followed");
      return;
    }
    keep_command(ctx, argv, "healthcheck");
  }
};

}  // namespace

std::unique_ptr<Rule> healthcheck_rule() {
  return std::make_unique<HealthcheckRule>();
}

}  // namespace imgstrip
