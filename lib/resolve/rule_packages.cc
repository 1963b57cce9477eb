// -p: the named packages and, by the --deps rules (package_selection.h), their
// dependencies; every file of a kept package (documentation and translations aside).
// A package reached only through Depends leaves out the files another rule keeps on
// demand (its commands, its modules) until something uses them. Any kept package leaves
// out its optional parts (Rule::optional), which their rule keeps if the image uses them.
// Entries no package owns, in directories only kept packages own (php's conf.d symlinks
// made by a postinst), are part of those packages' configuration.
//
// A named package's commands (files in bin, sbin...) follow the same idea once the image
// is known to run the package: when something the image starts runs one command of the
// package's source (mariadbd, mariadb-install-db), the others (aria_chk, myisampack...)
// stay only where something runs them, a program of the source naming one as a string
// included. When nothing runs any (`-p curl` in an image whose Cmd is a shell), the user
// named the package for its commands: all stay. --all-commands keeps them all anyway.
#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/path.h"
#include "resolve/command_path.h"
#include "resolve/command_strings.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

class PackagesRule : public Rule {
  struct Deferred {
    std::string path;  // real path
    Reason reason;     // why it would be kept as a file of its package
    std::string package;
  };
  struct Group {  // the deferred commands of one source package
    std::vector<Deferred> deferred;
    bool decided = false;
    bool narrowed = false;       // the image runs a command of the source
    std::set<std::string> read;  // programs read for command names
  };

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
        if (ctx.optional && ctx.optional(*r->entry)) {
          if (r->entry->type != FileType::Directory) ctx.left_out.push_back({r->path, reason});
          continue;
        }
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
        if (defer_command(ctx, kp, r->path, *r->entry, reason)) continue;
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

  // A command of a named package, left out until settle() knows whether the image runs the
  // package (Group::decided).
  bool defer_command(ResolveContext& ctx, const KeptPackage& kp, const std::string& path,
                     const Entry& entry, const Reason& reason) {
    if (!kp.named || ctx.request.deps != DepsMode::Auto || ctx.request.all_commands) return false;
    if (!command_dir(path) || !ctx.on_demand || !ctx.on_demand(entry)) return false;
    Group& g = groups_[kp.package->source];
    if (g.decided && !g.narrowed) return false;
    g.deferred.push_back({path, reason, kp.package->name});
    return true;
  }

  // Once everything else is known: for each source with deferred commands, whether the
  // image runs one of its commands. If not, all its commands stay; if so, those its
  // programs name stay (and so on, as they are kept).
  bool settle(ResolveContext& ctx) override {
    bool more = false;
    for (auto& [source, g] : groups_) {
      if (!g.decided) {
        g.decided = true;
        g.narrowed = runs_a_command(ctx, source);
      }
      if (!g.narrowed) {
        for (auto& d : g.deferred) {
          Reason why = d.reason;
          why.detail += "; nothing the image starts runs a command of " + source +
                        ", so all its commands stay";
          more = ctx.keep.add(d.path, why) || more;
        }
        g.deferred.clear();
        continue;
      }
      more = keep_named_siblings(ctx, source, g) || more;
    }
    return more;
  }

  void finish(ResolveContext& ctx) override {
    for (auto& [source, g] : groups_) {
      std::map<std::string, size_t> left;
      for (auto& d : g.deferred)
        if (!ctx.keep.contains(d.path)) ++left[d.package];
      for (auto& [package, n] : left) {
        ctx.notes.push_back("package " + package + ": " + std::to_string(n) +
                            " commands nothing in the image runs were left out "
                            "(--all-commands keeps them)");
      }
    }
  }

  // Whether a command (bin, sbin...) of a kept package built from `source` is kept: the
  // entrypoint, a script or configuration runs it.
  static bool runs_a_command(const ResolveContext& ctx, const std::string& source) {
    for (const Package* q : ctx.db->by_source(source)) {
      if (!ctx.selection->contains(q->name)) continue;
      for (auto& f : q->files) {
        if (!command_dir(strip_slashes(f))) continue;
        auto r = ctx.tree.lookup(f, false);
        if (r && r->entry != nullptr && r->entry->type != FileType::Directory &&
            ctx.keep.contains(r->path)) {
          return true;
        }
      }
    }
    return false;
  }

  // Programs of `source` that are kept and not yet read: the deferred commands they name as
  // strings are kept.
  bool keep_named_siblings(ResolveContext& ctx, const std::string& source, Group& g) {
    std::map<std::string, std::vector<const Deferred*>> by_name;
    for (auto& d : g.deferred)
      if (!ctx.keep.contains(d.path)) by_name[std::string(base_name(d.path))].push_back(&d);
    if (by_name.empty()) return false;
    // A compatibility symlink's name (mysqlhotcopy -> mariadb-hotcopy) counts only in a
    // path: bare, it is what people type, and what a server's credits list.
    std::set<std::string> names, path_names;
    for (auto& [n, ds] : by_name) {
      bool link = std::all_of(ds.begin(), ds.end(), [&](const Deferred* d) {
        const Entry* e = ctx.tree.find(d->path);
        return e != nullptr && e->type == FileType::Symlink;
      });
      (link ? path_names : names).insert(n);
    }
    bool more = false;
    for (const Package* q : ctx.db->by_source(source)) {
      if (!ctx.selection->contains(q->name)) continue;
      for (auto& f : q->files) {
        auto r = ctx.tree.lookup(f, false);
        if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) continue;
        if (!ctx.keep.contains(r->path) || !g.read.insert(r->path).second) continue;
        if (!is_elf_program(ctx, *r->entry)) continue;
        std::set<std::string> found;
        try {
          found = command_names_in(ctx.tree, *r->entry, names, path_names);
        } catch (const Error& e) {
          ctx.notes.push_back(abs_path(r->path) + " not read for command names: " + e.what());
        }
        for (auto& n : found) {
          for (const Deferred* d : by_name[n]) {
            Reason why{
                ReasonKind::Command,
                "named as a command in " + abs_path(r->path) + " (same source " + source + ")",
                r->path};
            more = ctx.keep.add(d->path, why) || more;
          }
        }
      }
    }
    return more;
  }

  static bool is_elf_program(const ResolveContext& ctx, const Entry& e) {
    if (e.size < 4 || (e.mode & 0111) == 0) return false;
    char magic[4] = {};
    auto in = ctx.tree.open(e);
    return in->read(magic, 4) == 4 && std::string_view(magic, 4) ==
                                          "\x7f"
                                          "ELF";
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
  std::set<std::string> dirs_;           // directories of kept packages, not yet satisfied
  std::map<std::string, Group> groups_;  // by source package
};

}  // namespace

std::unique_ptr<Rule> packages_rule() {
  return std::make_unique<PackagesRule>();
}

}  // namespace imgstrip
