// -p: the named packages and, by the --deps rules (package_selection.h), their
// dependencies; every file of a kept package (documentation and translations aside).
// A package reached only through Depends leaves out the files another rule keeps on
// demand (its commands, its modules) until something uses them. Entries no package owns,
// in directories only kept packages own (php's conf.d symlinks made by a postinst), are
// part of those packages' configuration.
#include "core/error.h"
#include "core/path.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class PackagesRule : public Rule {
 public:
  std::string_view name() const override { return "packages"; }

  void start(ResolveContext& ctx) override {
    open_db(ctx);
    if (ctx.request.packages.empty()) return;
    if (!ctx.db) usage_fail("-p {}: the image has no package database", ctx.request.packages[0]);
    for (auto& name : ctx.request.packages) {
      const Package* p = ctx.db->find(name);
      if (p == nullptr) {
        usage_fail("-p {}: no package or virtual package of that name in the image's {} database",
                   name, ctx.package_db);
      }
      ctx.selection->add(*p, "-p " + name, "", true);
    }
  }

  void round(ResolveContext& ctx) override {
    add_package_files(ctx);
    check_package_dirs(ctx);
  }

 private:
  static void open_db(ResolveContext& ctx) {
    try {
      if (auto db = open_package_db(ctx.tree)) {
        ctx.db = std::make_shared<const PackageDb>(std::move(*db));
      }
    } catch (const Error& e) {
      if (!ctx.request.packages.empty()) throw;
      ctx.notes.push_back(std::string("package database not read: ") + e.what());
    }
    if (!ctx.db) return;
    ctx.package_db = db_kind_name(ctx.db->kind());
    ctx.selection.emplace(*ctx.db, ctx.tree, ctx.request.deps);
    ctx.selection->set_on_demand(ctx.on_demand);
  }

  void add_package_files(ResolveContext& ctx) {
    if (!ctx.selection) return;
    while (done_ < ctx.selection->kept().size()) {
      KeptPackage kp = ctx.selection->kept()[done_++];
      const Package& p = *kp.package;
      Reason reason{ReasonKind::Package, "package " + p.name + " (" + kp.reason + ")", ""};
      size_t on_demand = 0;
      for (auto& f : p.files) {
        if (ctx.skipped_in_package(f)) continue;
        auto r = ctx.tree.lookup(f, false);
        if (!r || r->entry == nullptr) continue;
        if (r->entry->type == FileType::Directory) {
          if (ctx.request.essentials.state_dirs) ctx.keep.add(f, reason);
          dirs_.insert(r->path);
          continue;
        }
        if (!kp.named && ctx.request.deps == DepsMode::Auto && ctx.on_demand &&
            ctx.on_demand(*r->entry)) {
          ++on_demand;
          continue;
        }
        ctx.keep.add(f, reason);
        if (kp.named && r->entry->type == FileType::Symlink) {
          ctx.pull_owner(f, "the target of " + abs_path(f) + " of " + p.name, p.name);
        }
      }
      if (on_demand > 0) {
        ctx.notes.push_back("package " + p.name + " (" + kp.reason +
                            "): " + std::to_string(on_demand) +
                            " commands or modules kept only where something uses them");
      }
      for (auto& c : p.conffiles) {
        if (auto real = ctx.tree.resolve(c)) ctx.config_files.insert(*real);
      }
    }
  }

  void check_package_dirs(ResolveContext& ctx) {
    if (!ctx.db) return;
    for (auto it = dirs_.begin(); it != dirs_.end();) {
      const std::string dir = *it;
      bool all_kept = true;
      auto owners = ctx.db->owners_of(dir);
      for (const Package* o : owners)
        all_kept = all_kept && ctx.selection->contains(o->name);
      if (!all_kept || owners.empty()) {
        ++it;
        continue;
      }
      it = dirs_.erase(it);
      if (broad_dir(dir) || ctx.skipped_in_package(dir) || init_system_file(dir) ||
          inside(dir, "var/lib/dpkg")) {
        continue;
      }
      for (const Entry* child : ctx.tree.children(dir)) {
        if (!ctx.db->owners_of(child->path).empty()) continue;
        if (ctx.skipped_in_package(child->path)) continue;
        std::string why = "not owned by any package, in " + abs_path(dir) + " (owned by " +
                          owners.front()->name + (owners.size() > 1 ? ", ..." : "") + ")";
        if (!ctx.keep.add(child->path, {ReasonKind::UnownedEntry, why, ""})) continue;
        if (child->type == FileType::Symlink) {
          ctx.pull_owner(child->path, "the target of " + abs_path(child->path), "", true);
        } else if (child->type == FileType::Directory) {
          ctx.keep.add_tree(child->path, {ReasonKind::UnownedEntry, why, ""});
        }
      }
    }
  }

  size_t done_ = 0;
  std::set<std::string> dirs_;  // directories of kept packages, not yet satisfied
};

}  // namespace

std::unique_ptr<Rule> packages_rule() {
  return std::make_unique<PackagesRule>();
}

}  // namespace imgstrip
