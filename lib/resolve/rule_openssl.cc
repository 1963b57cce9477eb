// OpenSSL loads engines and providers by name while it runs: the ones openssl.cnf's
// engines and providers sections activate, ENGINE_by_id / OSSL_PROVIDER_load calls with a
// name the program computes, and the built-in engines OPENSSL_init_crypto tries (afalg,
// padlock). They come from the directories compiled into libcrypto (openssl_dirs.h), or
// from OPENSSL_ENGINES / OPENSSL_MODULES when the image's Env sets them. Which one a
// program picks is decided at run time, so a kept libcrypto keeps those directories whole;
// an image without libcrypto keeps none of them, whichever packages ship them.
#include "core/path.h"
#include "elf/elf_header.h"
#include "resolve/openssl_dirs.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

constexpr size_t kLibraryLimit = size_t{64} << 20;

class OpensslRule : public Rule {
 public:
  std::string_view name() const override { return "openssl"; }

  void start(ResolveContext& ctx) override {
    for (const auto& e : ctx.config.env()) {
      for (std::string_view var : {"OPENSSL_ENGINES=", "OPENSSL_MODULES="}) {
        if (e.starts_with(var) && e.size() > var.size() && e[var.size()] == '/')
          env_dirs_.push_back({e.substr(var.size()), "the image's Env (" + e + ")"});
      }
    }
  }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (!base_name(f.path).starts_with("libcrypto.so") || !is_elf(f.head)) return;
    std::string data = ctx.tree.read(f.entry, kLibraryLimit);
    for (const auto& dir : openssl_module_dirs(data)) {
      ctx.keep.add_tree(FileTree::normalize(dir), {ReasonKind::Dlopen,
                                                   "engines and providers " + abs_path(f.path) +
                                                       " loads by name (its compiled-in directory)",
                                                   f.path});
    }
    for (const auto& [dir, why] : env_dirs_) {
      ctx.keep.add_tree(
          FileTree::normalize(dir),
          {ReasonKind::Dlopen,
           "engines and providers " + abs_path(f.path) + " loads by name, from " + why, f.path});
    }
  }

 private:
  std::vector<std::pair<std::string, std::string>> env_dirs_;
};

}  // namespace

std::unique_ptr<Rule> openssl_rule() {
  return std::make_unique<OpensslRule>();
}

}  // namespace imgstrip
