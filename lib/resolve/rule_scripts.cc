// Scripts: the #! interpreter of every kept script (`env NAME` through PATH; the package of
// an interpreter that is not a shell is kept as if named), and for shell scripts every word
// that is a command in PATH and every absolute path that exists. Commands are kept where
// something runs them: the commands (and other executables) of a package reached only
// through Depends wait for that.
#include <set>

#include "core/path.h"
#include "resolve/command_path.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

// Shell builtins of sh/dash/bash: a word naming one does not run the binary of that name.
bool shell_builtin(std::string_view word) {
  static const std::set<std::string_view> kBuiltins = {
      "echo",    "printf", "test",    "[",        "true",   "false",    "kill",     "pwd",
      "read",    "cd",     "exec",    "set",      "export", "shift",    "exit",     "return",
      "trap",    "wait",   "command", "type",     "ulimit", "umask",    "eval",     "local",
      "getopts", "alias",  "unset",   "readonly", "times",  "break",    "continue", "hash",
      "if",      "then",   "else",    "elif",     "fi",     "for",      "while",    "until",
      "do",      "done",   "case",    "esac",     "in",     "function", "select",   "source"};
  return kBuiltins.count(word) != 0;
}

class ScriptsRule : public Rule {
 public:
  std::string_view name() const override { return "scripts"; }

  // Commands, and programs and scripts outside PATH (php's php-helper and sessionclean,
  // run by maintainer scripts and cron): shared objects aside, what is executable.
  // A symlink to such a program (openssl's misc/tsget -> tsget.pl) waits with it.
  bool on_demand(const ResolveContext& ctx, const Entry& entry) const override {
    if (command_dir(entry.path)) return true;
    const Entry* target = &entry;
    if (entry.type == FileType::Symlink) {
      auto r = ctx.tree.lookup(entry.path, true);
      if (!r || r->entry == nullptr) return false;
      target = r->entry;
    }
    std::string_view name = base_name(target->path);
    bool shared_object = name.ends_with(".so") || name.find(".so.") != std::string_view::npos;
    return target->type == FileType::Regular && (target->mode & 0111) != 0 && !shared_object;
  }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (!looks_like_text(f.head) || f.entry.size > kTextLimit || init_system_file(f.path)) return;
    auto shebang = parse_shebang(f.head);
    if (!shebang) return;
    if (!runnable(ctx, f.path, f.entry)) {
      waiting_.push_back(f.path);
      return;
    }
    scan(ctx, f);
  }

  // Scripts kept before anything named them: scanned once something does.
  bool settle(ResolveContext& ctx) override {
    size_t before = ctx.keep.size();
    std::vector<std::string> still;
    for (auto& path : waiting_) {
      const Entry* e = ctx.tree.find(path);
      if (e == nullptr) continue;
      if (!runnable(ctx, path, *e)) {
        still.push_back(path);
        continue;
      }
      std::string head = ctx.tree.read(*e, kTextLimit);  // file() checked the size
      scan(ctx, KeptFile{path, *e, head});
    }
    waiting_ = std::move(still);
    return ctx.keep.size() != before;
  }

 private:
  std::vector<std::string> waiting_;

  // Whether something can run (or source) the kept script at `path`:
  // - the application's own (no package owns it): when it is executable, named, or in a
  //   directory a kept text names (/docker-entrypoint-initdb.d/*.sh, sourced in turn);
  // - a package's script when a kept text names it by its path or as "$dir/NAME", or the
  //   entrypoint or a command word does, or it is executable in a command directory. A
  //   script among a package's data that only a directory reference reaches
  //   (mariadb-server's mini-benchmark under /usr/share/mysql), or a shell library of
  //   maintainer scripts (php-common's php-helper), is not run: the commands it runs are
  //   not kept for it.
  static bool runnable(const ResolveContext& ctx, const std::string& path, const Entry& entry) {
    if (ctx.named_files.count(path) || ctx.named_leaves.count(std::string(base_name(path))))
      return true;
    bool named = false;
    for (const Reason& r : ctx.keep.reasons(path))
      if (r.kind != ReasonKind::Package && r.kind != ReasonKind::ConfigRef &&
          r.kind != ReasonKind::Parent && r.kind != ReasonKind::UnownedEntry &&
          r.kind != ReasonKind::Symlink)
        named = true;
    bool executable = (entry.mode & 0111) != 0;
    if (!ctx.db || ctx.db->owner_of(path) == nullptr)  // the application's own
      return named || executable || ctx.config_files.count(path) != 0;
    return named || (executable && command_dir(path));
  }

  static void scan(ResolveContext& ctx, const KeptFile& f) {
    auto shebang = parse_shebang(f.head);
    if (!shebang) return;
    Reason interp{ReasonKind::Interpreter, "interpreter of " + abs_path(f.path), f.path};
    bool shell = is_shell(shebang->interpreter);
    if (ctx.keep.add(shebang->interpreter, interp)) {
      std::string real = ctx.tree.resolve(strip_slashes(shebang->interpreter)).value_or("");
      if (!shell && base_name(real) != "env" && !is_shell(real)) {
        ctx.pull_owner(shebang->interpreter, "the interpreter of " + abs_path(f.path), "");
      }
    } else {
      ctx.missing.push_back("interpreter " + shebang->interpreter + " of " + abs_path(f.path));
    }
    if (auto program = env_program(*shebang)) {
      shell = is_shell(*program);
      if (auto found = find_command(ctx.tree, *program, ctx.path_dirs)) {
        ctx.keep.add(*found, interp);
        if (!shell) ctx.pull_owner(*found, "the interpreter of " + abs_path(f.path), "");
      } else {
        ctx.missing.push_back("interpreter " + *program + " of " + abs_path(f.path));
      }
    }
    if (shell && ctx.take_text_scan()) {
      keep_shell_words(ctx, f.path, ctx.tree.read(f.entry, kTextLimit));
    }
  }
};

}  // namespace

void keep_shell_words(ResolveContext& ctx, const std::string& from, std::string_view text) {
  for (auto& w : shell_words(text)) {
    if (shell_builtin(w.text)) continue;
    if (auto found = find_command(ctx.tree, w.text, ctx.path_dirs)) {
      ctx.keep.add(*found, {ReasonKind::Command,
                            "command in " + abs_path(from) + ":" + std::to_string(w.line), from});
    }
  }
  // "$bindir/resolveip": the name, if it is a command of the image.
  for (auto& w : variable_dir_names(text)) {
    ctx.named_leaves.insert(w.text);
    if (auto found = find_command(ctx.tree, w.text, ctx.path_dirs)) {
      ctx.keep.add(*found, {ReasonKind::Command,
                            "command in " + abs_path(from) + ":" + std::to_string(w.line) +
                                " (through a variable directory)",
                            from});
    }
  }
  for (auto& ref : absolute_paths(text))
    ctx.keep_reference(from, ref, ReasonKind::Command);
}

std::unique_ptr<Rule> scripts_rule() {
  return std::make_unique<ScriptsRule>();
}

}  // namespace imgstrip
