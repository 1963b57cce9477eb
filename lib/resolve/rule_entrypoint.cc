// The image config's Entrypoint and Cmd: argv[0] through the image's PATH (its package is
// kept as if named, unless it is a shell or env), absolute paths and files relative to the
// working directory among the arguments, and `sh -c` strings read as scripts.
#include "core/path.h"
#include "resolve/command_path.h"
#include "resolve/rules.h"

namespace imgstrip {

void keep_command(ResolveContext& ctx, const std::vector<std::string>& argv,
                  const std::string& what) {
  if (argv.empty()) return;
  auto program = find_command(ctx.tree, argv[0], ctx.path_dirs, ctx.working_dir);
  if (!program) {
    ctx.missing.push_back(what + " " + argv[0] + ": not found in the image's PATH");
  } else {
    ctx.keep.add(*program, {ReasonKind::Entrypoint, what + " " + argv[0], ""});
    // The name of what the command really is (sh -> dash); a dangling link keeps its own.
    std::string real = ctx.tree.resolve(*program).value_or(*program);
    std::string_view base = base_name(real);
    if (!is_shell(base) && base != "env") ctx.pull_owner(*program, "the " + what, "");
  }
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "-c" && program && is_shell(*program) && i + 1 < argv.size()) {
      keep_shell_words(ctx, *program + " -c", argv[i + 1]);
      ++i;
      continue;
    }
    if (arg.starts_with('/')) {
      ctx.keep_reference("", {arg, 0}, ReasonKind::Entrypoint);
    } else if (!arg.starts_with('-') && !arg.empty() && arg.find("..") == std::string::npos) {
      // "server.js", "app/main.py": a file relative to the working directory.
      std::string rel = ctx.working_dir.empty() ? arg : ctx.working_dir + "/" + arg;
      const Entry* e = ctx.tree.find(rel);
      if (e != nullptr && e->type == FileType::Regular) {
        ctx.keep.add(rel, {ReasonKind::Entrypoint, what + " argument " + arg, ""});
      }
    }
  }
}

namespace {

class EntrypointRule : public Rule {
 public:
  std::string_view name() const override { return "entrypoint"; }

  void start(ResolveContext& ctx) override {
    if (!ctx.request.entrypoint) return;
    auto entrypoint = ctx.config.entrypoint();
    auto cmd = ctx.config.cmd();
    if (!entrypoint.empty()) {
      std::vector<std::string> all = entrypoint;
      all.insert(all.end(), cmd.begin(), cmd.end());
      keep_command(ctx, all, "entrypoint");
      // Cmd may itself be a program the entrypoint script runs ("nginx -g ...").
      if (!cmd.empty() && find_command(ctx.tree, cmd[0], ctx.path_dirs)) {
        keep_command(ctx, cmd, "cmd");
      }
    } else {
      keep_command(ctx, cmd, "cmd");
    }
    if (!ctx.working_dir.empty()) {
      ctx.keep.add(ctx.working_dir, {ReasonKind::Entrypoint, "working directory", ""});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> entrypoint_rule() {
  return std::make_unique<EntrypointRule>();
}

}  // namespace imgstrip
