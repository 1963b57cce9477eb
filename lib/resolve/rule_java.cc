// Java: `java` command lines in the Entrypoint/Cmd and in kept shell scripts, the runtime
// and class path they name (java_classpath.h, java_shell.h), and the Class-Path of every
// kept jar's manifest.
#include "core/path.h"
#include "resolve/java_classpath.h"
#include "resolve/java_shell.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class JavaRule : public Rule {
 public:
  std::string_view name() const override { return "java"; }

  void start(ResolveContext& ctx) override {
    for (auto& kv : ctx.config.env()) {
      size_t eq = kv.find('=');
      if (eq != std::string::npos) env_.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
    }
    if (!ctx.request.entrypoint) return;
    std::vector<std::string> argv = ctx.config.entrypoint();
    for (auto& a : ctx.config.cmd())
      argv.push_back(a);
    if (argv.empty()) return;
    if (base_name(argv[0]) == "java") {
      ctx.keep_findings("", java_command(ctx.tree, argv, ctx.working_dir, env_),
                        ReasonKind::Import);
    } else if (argv.size() >= 3 && is_shell(argv[0]) && argv[1] == "-c") {
      command_lines(ctx, "", argv[2]);
    }
  }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (is_jar(f.path)) {
      ctx.keep_findings(f.path, java_jar(ctx.tree, f.path), ReasonKind::Import);
      return;
    }
    if (!looks_like_text(f.head) || f.entry.size > kTextLimit) return;
    auto shebang = parse_shebang(f.head);
    if (!shebang) return;
    auto program = env_program(*shebang);
    if (!is_shell(shebang->interpreter) && !(program && is_shell(*program))) return;
    std::string text = ctx.tree.read(f.entry, kTextLimit);
    if (text.find("java") == std::string::npos) return;
    command_lines(ctx, f.path, text);
  }

 private:
  void command_lines(ResolveContext& ctx, const std::string& from, std::string_view script) {
    for (auto& line : java_command_lines(script)) {
      ctx.keep_findings(from, java_command(ctx.tree, line.argv, ctx.working_dir, env_),
                        ReasonKind::Import);
    }
  }

  std::vector<std::pair<std::string, std::string>> env_;
};

}  // namespace

std::unique_ptr<Rule> java_rule() {
  return std::make_unique<JavaRule>();
}

}  // namespace imgstrip
