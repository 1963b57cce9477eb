// Essentials (request.h): what a running program needs although nothing names it —
// passwd/group, nsswitch.conf and the NSS modules it names, CA certificates and
// openssl.cnf with a TLS library, the configured time zone, gconv modules when iconv_open
// is imported (for importers that convert only the locale's charset, when a kept locale or
// a locale variable names a charset that needs one: iconv_use.h), compiled locales when
// the image sets a language, tmp/run directories, os-release.
#include <optional>
#include <set>

#include "core/path.h"
#include "elf/ld_so_conf.h"
#include "resolve/rules.h"

namespace imgstrip {
namespace {

bool tls_library(std::string_view name) {
  for (std::string_view prefix : {"libssl.so", "libcrypto.so", "libcurl.so", "libcurl-gnutls.so",
                                  "libgnutls.so", "libnss3.so", "libmbedtls.so", "libwolfssl.so"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

// The services named in nsswitch.conf ("files", "dns", ...), actions in [] left out.
std::set<std::string> nss_services(std::string_view text) {
  std::set<std::string> services;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line(text.substr(start, nl == std::string::npos ? nl : nl - start));
    start = nl == std::string::npos ? text.size() : nl + 1;
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string rest = line.substr(colon + 1);
    bool in_action = false;
    std::string word;
    for (size_t i = 0; i <= rest.size(); ++i) {
      char c = i < rest.size() ? rest[i] : ' ';
      if (c == '[') in_action = true;
      if (c == ']') {
        in_action = false;
        continue;
      }
      if (in_action) continue;
      if (c == ' ' || c == '\t') {
        if (!word.empty()) services.insert(word);
        word.clear();
      } else {
        word += c;
      }
    }
  }
  return services;
}

class EssentialsRule : public Rule {
 public:
  std::string_view name() const override { return "essentials"; }

  void round(ResolveContext& ctx) override {
    const Essentials& ess = ctx.request.essentials;
    if (ess.passwd)
      once(passwd_, [&] {
        for (const char* p : {"etc/passwd", "etc/group", "etc/shadow", "etc/gshadow"})
          add(ctx, p, "users and groups");
      });
    if (ess.os_release)
      once(release_, [&] {
        for (const char* p : {"etc/os-release", "usr/lib/os-release", "etc/debian_version",
                              "etc/alpine-release", "etc/redhat-release", "etc/system-release",
                              "etc/centos-release", "etc/fedora-release", "etc/lsb-release"}) {
          add(ctx, p, "OS identification");
        }
      });
    if (ess.tmp_dirs) once(dirs_, [&] { tmp_dirs(ctx); });
    bool any_elf = false, tls = false, libssl = false;
    const ClosureObject* libc = nullptr;
    for (auto& o : ctx.closure.objects()) {
      any_elf = true;
      if (o.soname && *o.soname == "libc.so.6" && libc == nullptr) libc = &o;
      std::string_view name = o.soname ? std::string_view(*o.soname) : base_name(o.path);
      tls = tls || tls_library(name);
      libssl = libssl || name.starts_with("libssl.so") || name.starts_with("libcrypto.so");
    }
    if (ess.nss && any_elf)
      once(nss_, [&] {
        for (const char* p : {"etc/nsswitch.conf", "etc/hosts", "etc/host.conf", "etc/services",
                              "etc/protocols", "etc/networks"}) {
          add(ctx, p, "name service switch");
        }
      });
    if (ess.nss && libc != nullptr) once(nss_modules_, [&] { nss_modules(ctx, libc->path); });
    if (tls) once(tls_, [&] { tls_files(ctx, libssl); });
    if (ess.timezone)
      once(tz_, [&] {
        add(ctx, "etc/localtime", "time zone");
        add(ctx, "etc/timezone", "time zone");
        add(ctx, "usr/share/zoneinfo/UTC", "time zone");
        if (ctx.request.keep_tzdata) {
          ctx.keep.add_tree("usr/share/zoneinfo",
                            {ReasonKind::Essential, "essential: --keep-tzdata", ""});
        }
      });
    once(locales_, [&] {
      if (ctx.keep_locales) {
        ctx.keep.add_tree("usr/lib/locale", {ReasonKind::Essential,
                                             "essential: locales (the image sets a language)", ""});
      }
      // C.UTF-8, the locale containers default to and tools ask for by name (initdb).
      for (const char* c : {"usr/lib/locale/C.utf8", "usr/lib/locale/C.UTF-8"})
        ctx.keep.add_tree(c, {ReasonKind::Essential, "essential: the C.UTF-8 locale", ""});
    });
    if (ess.gconv && ctx.uses_iconv) once(gconv_, [&] { keep_gconv(ctx, "iconv_open is used"); });
  }

  // Importers that convert only the locale's charset need modules once a kept locale, or a
  // locale variable where bash reads it, names a charset glibc does not convert by itself.
  bool settle(ResolveContext& ctx) override {
    if (gconv_ || ctx.uses_iconv || ctx.locale_iconv.empty() || !ctx.request.essentials.gconv)
      return false;
    auto why = locale_charset_needs_module(ctx);
    if (!why) return false;
    once(gconv_, [&] { keep_gconv(ctx, *why); });
    return true;
  }

  void finish(ResolveContext& ctx) override {
    if (gconv_ || ctx.uses_iconv || ctx.locale_iconv.empty()) return;
    std::string who;
    for (auto& [path, use] : ctx.locale_iconv)
      who += (who.empty() ? "" : ", ") + abs_path(path);
    ctx.notes.push_back("gconv modules left out: " + who +
                        " import iconv_open for the locale's charset only, and no kept locale "
                        "nor locale variable (Env, scripts) names one that needs a module; "
                        "running with another LANG or LC_ALL needs a strip with it in Env");
  }

 private:
  template <typename F>
  static void once(bool& done, F&& f) {
    if (done) return;
    done = true;
    f();
  }

  static void keep_gconv(ResolveContext& ctx, const std::string& why) {
    for (const char* pattern : {"/usr/lib/*/gconv", "/usr/lib64/gconv", "/usr/lib/gconv",
                                "/lib/*/gconv", "/lib64/gconv"}) {
      for (auto& dir : glob_in(ctx.tree, pattern))
        ctx.keep.add_tree(dir,
                          {ReasonKind::Essential, "essential: gconv modules (" + why + ")", ""});
    }
  }

  // Why the locale-charset importers need gconv modules; nullopt when they do not.
  std::optional<std::string> locale_charset_needs_module(const ResolveContext& ctx) {
    const std::string who = abs_path(ctx.locale_iconv.front().first);
    const auto& kept = ctx.keep.entries();
    const std::string prefix = "usr/lib/locale/";
    for (auto it = kept.lower_bound(prefix); it != kept.end() && it->first.starts_with(prefix);
         ++it) {
      std::string_view rest = std::string_view(it->first).substr(prefix.size());
      std::string_view name = rest.substr(0, rest.find('/'));
      if (!builtin_locale(name))
        return who + " converts the locale's charset, and /" + prefix + std::string(name) +
               " is kept";
    }
    bool variable = false;
    for (auto& [path, use] : ctx.locale_iconv)
      variable = variable || use == IconvUse::LocaleVariable;
    if (!variable) return std::nullopt;
    std::string env;
    for (auto& e : ctx.config.env())
      env += e + "\n";
    if (auto a = non_builtin_locale_variable(env))
      return who + " converts to the charset of " + a->text + " in the image's Env";
    for (auto& [path, reasons] : kept) {
      if (!locale_read_.insert(path).second) continue;  // read at an earlier fixpoint
      const Entry* e = ctx.tree.find(path);
      if (e == nullptr || e->type != FileType::Regular || e->size > kTextLimit) continue;
      std::string text = ctx.tree.read(*e, kTextLimit);
      if (!text.starts_with("#!") && !path.starts_with("etc/")) continue;
      if (auto a = non_builtin_locale_variable(text))
        return who + " converts to the charset of " + a->text + " in /" + path + ":" +
               std::to_string(a->line);
    }
    return std::nullopt;
  }

  static void add(ResolveContext& ctx, const char* path, const std::string& why) {
    ctx.keep.add(path, {ReasonKind::Essential, "essential: " + why, ""});
  }

  static void tmp_dirs(ResolveContext& ctx) {
    for (const char* p : {"tmp", "var/tmp", "run", "var/run", "var/lock", "run/lock"})
      add(ctx, p, "temporary and runtime directories");
    if (ctx.tree.find("tmp") == nullptr && !ctx.excluded("tmp")) {
      GeneratedFile g;
      g.entry.path = "tmp";
      g.entry.type = FileType::Directory;
      g.entry.mode = 01777;
      g.why = "essential: /tmp (missing in the image)";
      ctx.generated.push_back(g);
    }
  }

  static void nss_modules(ResolveContext& ctx,
                          std::string by) {  // a copy: add_dlopen grows the closure
    auto services = nss_services(ctx.tree.read("etc/nsswitch.conf", kTextLimit).value_or(""));
    for (auto& svc : services) {
      std::string name = "libnss_" + svc + ".so.2";
      if (!ctx.closure.add_dlopen(name, by)) continue;
      for (auto& n : ctx.closure.find(by)->dlopened) {
        if (n.name == name && n.path) {
          ctx.keep.add(n.opened_as,
                       {ReasonKind::Dlopen,
                        "essential: NSS module for \"" + svc + "\" in /etc/nsswitch.conf",
                        "etc/nsswitch.conf"});
        }
      }
    }
  }

  static void tls_files(ResolveContext& ctx, bool libssl) {
    const Essentials& ess = ctx.request.essentials;
    if (ess.ca_certs) {
      for (const char* p :
           {"etc/ssl/certs", "usr/share/ca-certificates", "usr/local/share/ca-certificates",
            "etc/pki/tls/certs", "etc/pki/ca-trust"}) {
        ctx.keep.add_tree(
            p, {ReasonKind::Essential, "essential: CA certificates (a TLS library is kept)", ""});
      }
      add(ctx, "etc/ca-certificates.conf", "CA certificates (a TLS library is kept)");
    }
    if (ess.openssl_cnf && libssl) {
      add(ctx, "etc/ssl/openssl.cnf", "OpenSSL configuration");
      ctx.keep.add_tree("usr/lib/ssl",
                        {ReasonKind::Essential, "essential: OpenSSL configuration", ""},
                        [](const std::string& p) { return inside(p, "usr/lib/ssl/misc"); });
    }
  }

  bool passwd_ = false, release_ = false, dirs_ = false, nss_ = false, nss_modules_ = false,
       tls_ = false, tz_ = false, gconv_ = false, locales_ = false;
  std::set<std::string> locale_read_;  // kept files read for locale variables
};

}  // namespace

std::unique_ptr<Rule> essentials_rule() {
  return std::make_unique<EssentialsRule>();
}

}  // namespace imgstrip
