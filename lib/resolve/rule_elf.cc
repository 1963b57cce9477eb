// ELF: every kept ELF object is a root of the closure (lib/elf): PT_INTERP and DT_NEEDED
// found with the loader's own search rules, hwcaps variants, symlink chains kept as links.
// /etc/ld.so.cache is dropped unless a library is found only through an ld.so.conf
// directory, where glibc needs it (a stale entry makes glibc fall back to its search).
#include "core/error.h"
#include "core/path.h"
#include "elf/elf_file.h"
#include "elf/elf_header.h"
#include "elf/ld_so_conf.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

constexpr size_t kElfLimit = size_t{1} << 30;

bool imports_iconv(const FileTree& tree, const std::string& path) {
  auto bytes = tree.read(path, kElfLimit);
  if (!bytes || bytes->find("iconv_open") == std::string::npos) return false;
  try {
    auto elf = ElfFile::parse(std::move(*bytes), path, {true, true, false});
    for (auto& s : elf.symbols(SymbolTable::Dynamic)) {
      if (s.name == "iconv_open" && !s.defined()) return true;
    }
  } catch (const Error&) {
  }
  return false;
}

class ElfRule : public Rule {
 public:
  std::string_view name() const override { return "elf"; }

  void file(ResolveContext& ctx, const KeptFile& f) override {
    if (is_elf(f.head)) ctx.closure.add_root(f.path, "kept");
  }

  void round(ResolveContext& ctx) override {
    ctx.closure.resolve();
    const auto& objects = ctx.closure.objects();
    for (; done_ < objects.size(); ++done_) {
      const ClosureObject& o = objects[done_];
      note_ld_so_conf(ctx, o);
      if (ctx.request.essentials.gconv && !ctx.uses_iconv && o.error.empty() &&
          imports_iconv(ctx.tree, o.path)) {
        IconvUse use = iconv_use(o.path, o.soname);
        if (use == IconvUse::Any) {
          ctx.uses_iconv = true;
          ctx.notes.push_back(abs_path(o.path) + " imports iconv_open: gconv modules kept");
        } else {
          ctx.locale_iconv.emplace_back(o.path, use);
        }
      }
      if (!o.parent) continue;  // a root: kept already
      const std::string& parent = objects[*o.parent].path;
      Reason reason{ReasonKind::Needed, "DT_NEEDED of " + abs_path(parent), parent};
      if (o.reason.starts_with("PT_INTERP")) {
        reason = {ReasonKind::Interp, "PT_INTERP of " + abs_path(parent), parent};
      } else if (o.reason.starts_with("dlopen") || o.reason.starts_with("variant for dlopen")) {
        reason = {ReasonKind::Dlopen, "dlopen by " + abs_path(parent), parent};
      } else if (o.reason.find("variant of") != std::string::npos) {
        reason.detail = "hwcaps variant, " + reason.detail;
      }
      ctx.keep.add(o.opened_as, reason);
      ctx.keep.add(o.path, reason);
    }
  }

  void finish(ResolveContext& ctx) override {
    if (ctx.tree.find("etc/ld.so.cache") == nullptr) return;
    if (ctx.ldconf_used) {
      ctx.keep.add("etc/ld.so.cache",
                   {ReasonKind::Essential,
                    "essential: libraries are found through ld.so.conf directories", ""});
      for (const char* p : {"etc/ld.so.conf", "etc/ld.so.conf.d"}) {
        ctx.keep.add_tree(p, {ReasonKind::Essential, "essential: loader configuration", ""});
      }
    } else if (!ctx.keep.contains("etc/ld.so.cache")) {
      ctx.notes.push_back(
          "/etc/ld.so.cache dropped: every kept library is in the loader's default directories");
    }
  }

 private:
  // Without the cache glibc still searches its default directories; Debian's ld.so.conf.d
  // lists those too, so only other directories need the cache.
  static void note_ld_so_conf(ResolveContext& ctx, const ClosureObject& o) {
    for (auto& n : o.needed) {
      if (n.via != "/etc/ld.so.conf" || !n.path || !o.abi || ctx.ldconf_used) continue;
      auto dir = ctx.tree.resolve(dir_name(n.opened_as));
      bool in_default = false;
      for (auto& d : glibc_default_dirs(*o.abi))
        in_default = in_default || (dir && ctx.tree.resolve(d) == dir);
      if (!in_default) {
        ctx.ldconf_used = true;
        ctx.notes.push_back(abs_path(*n.path) +
                            " is found through /etc/ld.so.conf: /etc/ld.so.cache kept");
      }
    }
  }

  size_t done_ = 0;
};

}  // namespace

std::unique_ptr<Rule> elf_rule() {
  return std::make_unique<ElfRule>();
}

}  // namespace imgstrip
