// PostgreSQL's JIT provider is optional by the server's design. Before loading the library
// jit_provider names, the server checks that it exists in its pkglibdir and, when it does
// not, turns JIT off for the session (src/backend/jit/jit.c, provider_init): queries run
// interpreted, with the same results. Most distributions ship the provider as a package of
// its own (PGDG's postgresqlNN-llvmjit, Alpine's postgresqlNN-jit); Debian's postgresql-NN
// includes it, and with libLLVM and libz3 it is about 160 MB of a 240 MB server.
//
// So llvmjit.so, llvmjit_types.bc and bitcode/ (what the provider inlines) in a pkglibdir
// (the directory of plpgsql.so) are left out of their package, unless the image turns JIT
// on: a kept configuration file (postgresql.conf, postgresql.auto.conf, the sample initdb
// copies, *.conf under etc/postgresql) setting jit to true or naming a jit_provider, or a
// kept script, SQL file or the image's Entrypoint, Cmd or Env doing so (`-c jit=on`,
// PGOPTIONS, `echo "jit = on" >>...`, an initdb script's `ALTER SYSTEM SET jit = on`). Then they
// are kept, with that line as the reason. -f keeps them anyway.
#include <algorithm>
#include <map>

#include "core/path.h"
#include "resolve/postgres_conf.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

bool config_name(std::string_view path) {
  std::string_view base = base_name(path);
  if (base.starts_with("postgresql") && base.find(".conf") != std::string_view::npos) return true;
  return (path.starts_with("etc/postgresql/") || path.starts_with("etc/postgresql-common/")) &&
         base.ends_with(".conf");
}

class PostgresRule : public Rule {
 public:
  std::string_view name() const override { return "postgres"; }

  bool optional(const ResolveContext& ctx, const Entry& entry) const override {
    std::string_view path = entry.path;
    std::string_view base = base_name(path);
    if (base == "llvmjit.so" || base == "llvmjit_types.bc") {
      return pkglibdir(ctx, path.substr(0, path.size() - base.size() - 1));
    }
    if (path.ends_with("/bitcode")) return pkglibdir(ctx, path.substr(0, path.size() - 8));
    size_t at = path.find("/bitcode/");
    return at != std::string_view::npos && pkglibdir(ctx, path.substr(0, at));
  }

  void start(ResolveContext& ctx) override {
    auto look = [&](const std::vector<std::string>& words, const char* what) {
      for (auto& w : words)
        mentions(w, std::string("the image's ") + what + " (" + w + ")");
    };
    look(ctx.config.entrypoint(), "Entrypoint");
    look(ctx.config.cmd(), "Cmd");
    look(ctx.config.env(), "Env");
  }

  // Configuration and scripts are read only once a provider was left out (settle): an
  // image without PostgreSQL reads nothing for this rule.
  void file(ResolveContext&, const KeptFile& f) override {
    if (f.entry.size > kTextLimit) return;
    if (config_name(f.path)) {
      unread_.push_back({&f.entry, true});
    } else if (f.head.starts_with("#!") || f.path.ends_with(".sh") || f.path.ends_with(".sql")) {
      unread_.push_back({&f.entry, false});
    }
  }

  bool settle(ResolveContext& ctx) override {
    auto out = [&](const ResolveContext::LeftOut& l) { return still_out(ctx, l); };
    if (std::none_of(ctx.left_out.begin(), ctx.left_out.end(), out)) return false;
    read_unread(ctx);
    if (on_.empty()) return false;
    bool more = false;
    for (auto& l : ctx.left_out) {
      if (!out(l)) continue;
      Reason why = l.reason;
      why.detail += "; PostgreSQL's JIT provider, turned on by " + on_;
      more = ctx.keep.add(l.path, why) || more;
    }
    return more;
  }

  void finish(ResolveContext& ctx) override {
    size_t files = 0;
    uint64_t bytes = 0;
    std::string dir;
    for (auto& l : ctx.left_out) {
      if (!still_out(ctx, l)) continue;
      ++files;
      if (const Entry* e = ctx.tree.find(l.path)) bytes += e->size;
      if (base_name(l.path) == "llvmjit.so") dir = abs_path(dir_name(l.path));
    }
    if (files == 0) return;
    std::string provider = dir.empty() ? "(llvmjit.so)" : dir + "/llvmjit.so";
    std::string keep = dir.empty() ? "" : " (-f " + provider + " -f " + dir + "/bitcode keeps it)";
    ctx.notes.push_back("postgres: the JIT provider " + provider + " and its bitcode (" +
                        std::to_string(files) + " files, " + std::to_string(bytes / 1048576) +
                        " MB, and the libraries only it needs) were left out: PostgreSQL turns "
                        "JIT off when its provider is missing, and nothing in the image sets "
                        "jit = on or a jit_provider" +
                        keep);
  }

 private:
  // A file of this rule's the package rule left out, and nothing else kept since (-f).
  bool still_out(const ResolveContext& ctx, const ResolveContext::LeftOut& l) const {
    if (ctx.keep.contains(l.path)) return false;
    const Entry* e = ctx.tree.find(l.path);
    return e != nullptr && optional(ctx, *e);
  }

  // Whether `dir` is a PostgreSQL pkglibdir: PL/pgSQL is in every server's.
  bool pkglibdir(const ResolveContext& ctx, std::string_view dir) const {
    auto it = pkglibdirs_.find(dir);
    if (it != pkglibdirs_.end()) return it->second;
    const Entry* e = ctx.tree.find(std::string(dir) + "/plpgsql.so");
    bool yes = e != nullptr && e->type == FileType::Regular;
    pkglibdirs_.emplace(std::string(dir), yes);
    return yes;
  }

  void read_unread(const ResolveContext& ctx) {
    for (auto [e, config] : unread_) {
      std::string text = ctx.tree.read(*e, kTextLimit);
      if (!config) {
        mentions(text, "a setting in " + abs_path(e->path));
        continue;
      }
      for (auto& s : postgres_settings(text)) {
        std::string where =
            s.name + " = '" + s.value + "' in " + abs_path(e->path) + ":" + std::to_string(s.line);
        if (s.name == "jit_provider") turned_on(where);
        if (s.name == "jit" && postgres_bool(s.value).value_or(false)) turned_on(where);
      }
    }
    unread_.clear();
  }

  void mentions(std::string_view text, const std::string& where) {
    for (auto& v : postgres_setting_mentions(text, "jit")) {
      if (postgres_bool(v).value_or(false)) turned_on("jit=" + v + " in " + where);
    }
    if (!postgres_setting_mentions(text, "jit_provider").empty()) {
      turned_on("jit_provider in " + where);
    }
  }

  void turned_on(const std::string& where) {
    if (on_.empty()) on_ = where;
  }

  std::string on_;                                     // the first place that turns JIT on
  std::vector<std::pair<const Entry*, bool>> unread_;  // kept files not read yet; true: config
  mutable std::map<std::string, bool, std::less<>> pkglibdirs_;
};

}  // namespace

std::unique_ptr<Rule> postgres_rule() {
  return std::make_unique<PostgresRule>();
}

}  // namespace imgstrip
