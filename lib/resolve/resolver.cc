#include "resolve/resolver.h"

#include <algorithm>

#include "core/error.h"
#include "core/path.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

constexpr size_t kHeadSize = 1024;
constexpr int kMaxRounds = 1000;

class Resolver {
 public:
  Resolver(const FileTree& tree, const ImageConfig& config, const StripRequest& request)
      : ctx_(tree, config, request), rules_(default_rules()) {
    ctx_.on_demand = [this](const Entry& entry) {
      for (auto& r : rules_) {
        if (r->on_demand(ctx_, entry)) return true;
      }
      return false;
    };
    ctx_.optional = [this](const Entry& entry) {
      for (auto& r : rules_) {
        if (r->optional(ctx_, entry)) return true;
      }
      return false;
    };
  }

  Resolution run() {
    for (auto& r : rules_)
      r->start(ctx_);
    for (int round = 0; round < kMaxRounds; ++round) {
      size_t before = progress();
      offer_new_files();
      for (auto& r : rules_)
        r->round(ctx_);
      if (progress() != before || offered_ != ctx_.keep.order().size()) continue;
      bool more = false;
      for (auto& r : rules_)
        more = r->settle(ctx_) || more;
      if (!more) break;
    }
    for (auto& r : rules_)
      r->finish(ctx_);
    return result();
  }

 private:
  size_t progress() const {
    return ctx_.keep.size() + (ctx_.selection ? ctx_.selection->kept().size() : 0) +
           ctx_.closure.objects().size();
  }

  void offer_new_files() {
    while (offered_ < ctx_.keep.order().size()) {
      std::string path = ctx_.keep.order()[offered_++];
      const Entry* e = ctx_.tree.find(path);
      if (e == nullptr || e->type != FileType::Regular || e->size == 0) continue;
      try {
        std::string head = ctx_.tree.read_start(*e, kHeadSize);
        KeptFile file{path, *e, head};
        for (auto& r : rules_)
          r->file(ctx_, file);
      } catch (const Error& err) {
        ctx_.notes.push_back(abs_path(path) + " not scanned: " + err.what());
      }
    }
  }

  Resolution result() {
    Resolution out;
    KeepSet& keep = ctx_.keep;
    for (auto& g : ctx_.generated) {
      if (!keep.contains(g.entry.path)) {
        keep.add_raw(g.entry.path, {ReasonKind::Generated, g.why, ""});
      }
    }
    for (auto& [path, e] : ctx_.tree.entries()) {
      if (path.empty()) continue;
      bool k = keep.contains(path);
      if (!k) out.removed.push_back(path);
      if (e.type != FileType::Regular) continue;
      ++out.files_before;
      out.bytes_before += e.size;
      if (k) {
        ++out.files_after;
        out.bytes_after += e.size;
      }
    }
    if (ctx_.db) {
      for (auto& p : ctx_.db->packages())
        out.package_sizes.push_back(package_size(p));
      std::sort(out.package_sizes.begin(), out.package_sizes.end(),
                [](auto& a, auto& b) { return a.name < b.name; });
      out.packages = ctx_.selection->kept();
      out.not_followed = ctx_.selection->not_followed();
    }
    for (auto& m : ctx_.closure.missing()) {
      const auto& objects = ctx_.closure.objects();
      std::string by = m.needed_by < objects.size()
                           ? " (needed by " + abs_path(objects[m.needed_by].path) + ")"
                           : "";
      ctx_.missing.push_back("library " + m.name + by + ": not found");
    }
    for (auto& h : keep.excluded_hits())
      ctx_.notes.push_back("excluded by -r: " + abs_path(h));
    out.missing = std::move(ctx_.missing);
    out.notes = std::move(ctx_.notes);
    out.generated = std::move(ctx_.generated);
    out.package_db = ctx_.package_db;
    out.database = ctx_.db;
    out.keep = std::move(ctx_.keep);
    return out;
  }

  PackageSize package_size(const Package& p) const {
    PackageSize s;
    s.name = p.name;
    if (const KeptPackage* k = ctx_.selection->find(p.name)) {
      s.kept = true;
      s.reason = k->reason;
    }
    std::set<std::string> seen;
    for (auto& f : p.files) {
      auto r = ctx_.tree.lookup(f, false);
      if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) continue;
      if (!seen.insert(r->path).second) continue;
      ++s.files_before;
      s.bytes_before += r->entry->size;
      if (ctx_.keep.contains(r->path)) {
        ++s.files_after;
        s.bytes_after += r->entry->size;
      }
    }
    return s;
  }

  ResolveContext ctx_;
  std::vector<std::unique_ptr<Rule>> rules_;
  size_t offered_ = 0;
};

}  // namespace

std::vector<std::unique_ptr<Rule>> default_rules() {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(packages_rule());
  rules.push_back(request_files_rule());
  rules.push_back(entrypoint_rule());
  rules.push_back(healthcheck_rule());
  rules.push_back(request_commands_rule());
  rules.push_back(application_rule());
  rules.push_back(scripts_rule());
  rules.push_back(config_rule());
  rules.push_back(python_rule());
  rules.push_back(node_rule());
  rules.push_back(java_rule());
  rules.push_back(perl_rule());
  rules.push_back(postgres_rule());
  rules.push_back(openssl_rule());
  rules.push_back(elf_rule());
  rules.push_back(essentials_rule());
  rules.push_back(package_db_rule());
  return rules;
}

std::set<std::string> Resolution::paths() const {
  std::set<std::string> out = keep.paths();
  for (auto& g : generated)
    out.insert(g.entry.path);
  return out;
}

Resolution resolve(const FileTree& tree, const ImageConfig& config, const StripRequest& request) {
  return Resolver(tree, config, request).run();
}

FileTree stripped_tree(FileTree tree, const Resolution& resolution) {
  return with_generated(std::move(tree), resolution.generated);
}

}  // namespace imgstrip
