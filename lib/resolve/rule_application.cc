// The application's own files: what no package owns in the directories an image's build
// puts its application in — the working directory, the directories of absolute paths in
// Entrypoint/Cmd, /app, /usr/src/app, each directory of /srv, /opt and /var/www. They are
// kept whole (the application reads its own files in ways no rule can see), except what
// is regenerated or cached at run time (__pycache__, *.pyc, .cache, .npm).
#include "core/path.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

bool regenerated(const std::string& path) {
  for (std::string_view part : path_components(path)) {
    if (part == "__pycache__" || part == ".cache" || part == ".npm") return true;
  }
  return path.ends_with(".pyc");
}

class ApplicationRule : public Rule {
 public:
  std::string_view name() const override { return "application"; }

  void start(ResolveContext& ctx) override {
    std::vector<std::pair<std::string, std::string>> dirs;  // dir, why
    if (!ctx.working_dir.empty()) dirs.push_back({ctx.working_dir, "the working directory"});
    std::vector<std::string> argv = ctx.config.entrypoint();
    for (auto& a : ctx.config.cmd())
      argv.push_back(a);
    for (auto& arg : argv) {
      if (!arg.starts_with('/')) continue;
      auto r = ctx.tree.lookup(arg, true);
      if (!r || r->entry == nullptr) continue;
      std::string dir =
          r->entry->type == FileType::Directory ? r->path : std::string(dir_name(r->path));
      dirs.push_back({dir, "named in Entrypoint/Cmd (" + arg + ")"});
    }
    for (const char* d : {"app", "usr/src/app"}) {
      dirs.push_back({d, "an application directory"});
    }
    for (const char* root : {"srv", "opt", "var/www"}) {
      for (const Entry* child : ctx.tree.children(root)) {
        if (child->type == FileType::Directory) {
          dirs.push_back({child->path, "an application directory"});
        }
      }
    }
    for (auto& [dir, why] : dirs)
      keep_unowned(ctx, dir, why);
  }

 private:
  static void keep_unowned(ResolveContext& ctx, const std::string& dir, const std::string& why) {
    auto real = ctx.tree.lookup(dir, true);
    if (!real || real->entry == nullptr || real->entry->type != FileType::Directory) return;
    const std::string& top = real->path;
    if (broad_dir(top) || inside(top, "var/lib/dpkg") || inside(top, "var/lib/apt")) return;
    Reason reason{ReasonKind::Application, "the application: " + abs_path(top) + " (" + why + ")",
                  ""};
    size_t kept = 0;
    std::string prefix = top + "/";
    const auto& all = ctx.tree.entries();
    for (auto it = all.lower_bound(prefix); it != all.end() && it->first.starts_with(prefix);
         ++it) {
      const std::string& path = it->first;
      if (regenerated(path) || ctx.skipped_in_package(path)) continue;
      if (ctx.db && !ctx.db->owners_of(path).empty()) continue;
      if (ctx.keep.add(path, reason)) ++kept;
    }
    if (kept > 0) {
      ctx.notes.push_back("the application: " + std::to_string(kept) + " entries under " +
                          abs_path(top) + " that no package owns (" + why + ")");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> application_rule() {
  return std::make_unique<ApplicationRule>();
}

}  // namespace imgstrip
