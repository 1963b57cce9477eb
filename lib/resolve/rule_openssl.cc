// OpenSSL loads providers and engines by name while it runs, from the directories compiled
// into libcrypto (openssl_dirs.h) or from OPENSSL_MODULES / OPENSSL_ENGINES when the
// image's Env sets them.
// - Providers: openssl.cnf's providers section, OSSL_PROVIDER_load with a name the program
//   computes (node's --openssl-legacy-provider loads "legacy"): a kept libcrypto keeps the
//   provider directories whole.
// - Engines: only ENGINE_by_id with the engine's id loads one (openssl.cnf's engines
//   section, nginx's ssl_engine, crypto.setEngine), and OpenSSL 3 built with loadable
//   engines loads none by itself. An engine (afalg.so, padlock.so...) is kept when its id
//   is a word of some kept file (configuration, scripts, sources, or a program's own
//   strings) or of the image's Env, Entrypoint or Cmd; the others are left out with a note
//   (an id computed at run time is what this cannot see: -f keeps an engine).
#include <algorithm>
#include <map>

#include "core/path.h"
#include "core/text.h"
#include "elf/elf_header.h"
#include "resolve/openssl_dirs.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

constexpr size_t kFileLimit = size_t{256} << 20;

struct ModuleDir {
  std::string path;  // normalized
  std::string why;   // "its compiled-in directory", "the image's Env (...)"
  bool engines = false;
};

class OpensslRule : public Rule {
 public:
  std::string_view name() const override { return "openssl"; }

  void start(ResolveContext& ctx) override {
    for (const auto& e : ctx.config.env()) {
      for (std::string_view var : {"OPENSSL_ENGINES=", "OPENSSL_MODULES="}) {
        if (e.starts_with(var) && e.size() > var.size() && e[var.size()] == '/')
          env_dirs_.push_back({FileTree::normalize(e.substr(var.size())),
                               "from the image's Env (" + e + ")", var == "OPENSSL_ENGINES="});
      }
    }
    for (const auto& words : {ctx.config.env(), ctx.config.entrypoint(), ctx.config.cmd()})
      for (const auto& w : words)
        image_words_ += w + "\n";
  }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (!base_name(f.path).starts_with("libcrypto.so") || !is_elf(f.head)) return;
    std::vector<ModuleDir> dirs = env_dirs_;
    for (const auto& dir : openssl_module_dirs(ctx.tree.read(f.entry, kFileLimit))) {
      std::string_view base = base_name(dir);
      dirs.push_back(
          {FileTree::normalize(dir), "its compiled-in directory", base.starts_with("engines-")});
    }
    for (const auto& d : dirs) {
      if (!d.engines) {
        ctx.keep.add_tree(
            d.path, {ReasonKind::Dlopen,
                     "providers " + abs_path(f.path) + " loads by name (" + d.why + ")", f.path});
        continue;
      }
      const Entry* dir = ctx.tree.find(d.path);
      if (dir == nullptr || dir->type != FileType::Directory) continue;
      for (const Entry* e : ctx.tree.children(d.path)) {
        std::string_view base = base_name(e->path);
        if (!base.ends_with(".so") || base.size() <= 3) continue;
        std::string id(base.substr(0, base.size() - 3));
        engines_.try_emplace(e->path, Engine{id, f.path, d.why});
      }
    }
  }

  // Once the rest is known: the engines some kept file or the image's config names.
  bool settle(ResolveContext& ctx) override {
    for (auto& [path, en] : engines_)
      en.kept = en.kept || ctx.keep.contains(path);
    if (pending() == 0) return false;
    bool more = false;
    auto found = [&](const std::string& engine, Engine& en, const std::string& where) {
      en.kept = true;
      more = ctx.keep.add(engine, {ReasonKind::Dlopen,
                                   "engine " + en.id + " " + abs_path(en.by) + " loads by name (" +
                                       en.why + "), named in " + where,
                                   en.by}) ||
             more;
    };
    for (auto& [path, en] : engines_)
      if (!en.kept && contains_word(image_words_, en.id)) found(path, en, "the image's config");
    const auto& order = ctx.keep.order();
    for (; scanned_ < order.size() && pending() > 0; ++scanned_) {
      const std::string& path = order[scanned_];
      if (engines_.count(path) != 0 || base_name(path).starts_with("libcrypto.so")) continue;
      const Entry* e = ctx.tree.find(path);
      if (e == nullptr || e->type != FileType::Regular || e->size == 0) continue;
      std::string data = ctx.tree.read(*e, kFileLimit);
      for (auto& [engine, en] : engines_)
        if (!en.kept && contains_word(data, en.id)) found(engine, en, abs_path(path));
    }
    return more;
  }

  void finish(ResolveContext& ctx) override {
    std::vector<std::string> left;
    for (const auto& [path, en] : engines_)
      if (!en.kept && !ctx.keep.contains(path)) left.push_back(abs_path(path));
    if (left.empty()) return;
    std::string list;
    for (const auto& p : left)
      list += (list.empty() ? "" : ", ") + p;
    ctx.notes.push_back(
        "OpenSSL engines nothing kept names (openssl.cnf, ssl_engine, "
        "ENGINE_by_id) were left out: " +
        list + "; -f keeps one whose id is computed at run time");
  }

 private:
  struct Engine {
    std::string id;   // "afalg"
    std::string by;   // the libcrypto
    std::string why;  // where the directory came from
    bool kept = false;
  };
  size_t pending() const {
    return std::count_if(engines_.begin(), engines_.end(),
                         [](const auto& e) { return !e.second.kept; });
  }

  std::vector<ModuleDir> env_dirs_;
  std::string image_words_;
  std::map<std::string, Engine> engines_;  // engine path -> id and cause
  size_t scanned_ = 0;                     // ctx.keep.order() read so far
};

}  // namespace

std::unique_ptr<Rule> openssl_rule() {
  return std::make_unique<OpensslRule>();
}

}  // namespace imgstrip
