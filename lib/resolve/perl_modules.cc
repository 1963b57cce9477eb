#include "resolve/perl_modules.h"

#include <set>

#include "core/path.h"
#include "elf/ld_so_conf.h"
#include "resolve/keep_set.h"
#include "resolve/text_scan.h"

namespace imgstrip {
namespace {

bool pragma(std::string_view name) {
  static const std::set<std::string_view> kPragmas = {
      "strict",   "warnings", "lib",      "feature",  "utf8",     "vars",    "integer",
      "constant", "bytes",    "overload", "less",     "sort",     "subs",    "open",
      "locale",   "if",       "mro",      "re",       "bigint",   "bignum",  "diagnostics",
      "autodie",  "bigrat",   "sigtrap",  "filetest", "encoding", "version", "experimental"};
  return kPragmas.count(name) != 0;
}

bool module_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

// The words of a `qw(...)` or quoted list after `use parent`/`use base`.
void list_modules(std::string_view rest, size_t line, std::vector<PerlUse>& out) {
  std::string word;
  for (size_t i = 0; i <= rest.size(); ++i) {
    char c = i < rest.size() ? rest[i] : ' ';
    if (module_char(c)) {
      word += c;
      continue;
    }
    if (!word.empty() && word != "qw" && word != "norequire" &&
        word.find("::::") == std::string::npos) {
      out.push_back({word, line});
    }
    word.clear();
    if (c == ';') break;
  }
}

}  // namespace

bool is_perl_source(std::string_view path, std::string_view head) {
  if (path.ends_with(".pm") || path.ends_with(".pl")) return true;
  auto shebang = parse_shebang(head);
  if (!shebang) return false;
  std::string_view interp = base_name(shebang->interpreter);
  if (interp.starts_with("perl")) return true;
  auto program = env_program(*shebang);
  return program && base_name(*program).starts_with("perl");
}

std::vector<std::string> perl_inc(const FileTree& tree) {
  std::vector<std::string> out;
  for (const char* pattern :
       {"/etc/perl", "/usr/local/lib/*/perl/5.*", "/usr/local/share/perl/5.*",
        "/usr/lib/*/perl5/5.*", "/usr/share/perl5", "/usr/lib/*/perl-base", "/usr/lib/*/perl/5.*",
        "/usr/share/perl/5.*", "/usr/local/lib/site_perl", "/usr/lib64/perl5",
        "/usr/share/perl5/vendor_perl", "/usr/lib64/perl5/vendor_perl", "/usr/lib/perl5"}) {
    std::vector<std::string> found =
        has_glob(pattern) ? glob_in(tree, pattern) : std::vector<std::string>{pattern};
    for (auto& d : found) {
      std::string dir = strip_slashes(d);
      auto r = tree.lookup(dir, true);
      if (r && r->entry != nullptr && r->entry->type == FileType::Directory) out.push_back(dir);
    }
  }
  return out;
}

bool in_perl_inc(std::string_view path, const std::vector<std::string>& inc) {
  for (auto& d : inc) {
    if (inside(path, d) && path != d) return true;
  }
  return false;
}

std::vector<PerlUse> perl_uses(std::string_view text) {
  std::vector<PerlUse> out;
  size_t line = 0, start = 0;
  bool pod = false;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view l =
        text.substr(start, nl == std::string_view::npos ? text.size() - start : nl - start);
    start = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line;
    if (l.starts_with("=")) {
      pod = !l.starts_with("=cut");
      continue;
    }
    if (pod) continue;
    if (l == "__END__" || l == "__DATA__") break;
    size_t i = l.find_first_not_of(" \t");
    if (i == std::string_view::npos || l[i] == '#') continue;
    // Statements may follow one another on a line: look at each `use`/`require`.
    for (size_t at = i; at < l.size();) {
      size_t u = l.find("use ", at), r = l.find("require ", at);
      size_t k = std::min(u, r);
      if (k == std::string_view::npos) break;
      size_t word = k + (k == u ? 4 : 8);
      at = word;
      if (k > 0 && (module_char(l[k - 1]) || l[k - 1] == '$' || l[k - 1] == '>')) continue;
      size_t hash = l.find('#', i);
      if (hash != std::string_view::npos && hash < k) break;
      size_t s = l.find_first_not_of(" \t", word);
      if (s == std::string_view::npos) break;
      size_t e = s;
      while (e < l.size() && module_char(l[e]))
        ++e;
      std::string name(l.substr(s, e - s));
      if (name.empty() || (name[0] >= '0' && name[0] <= '9')) continue;  // use 5.010
      if (name == "parent" || name == "base") {
        list_modules(l.substr(e), line, out);
        continue;
      }
      if (pragma(name) || name.find(":::") != std::string::npos || name.ends_with(":")) continue;
      out.push_back({name, line});
    }
  }
  std::set<std::string> seen;
  std::vector<PerlUse> unique;
  for (auto& u : out) {
    if (seen.insert(u.module).second) unique.push_back(u);
  }
  return unique;
}

Findings perl_modules(const FileTree& tree, const std::vector<std::string>& inc,
                      const std::string& path, std::string_view text) {
  Findings out;
  for (auto& use : perl_uses(text)) {
    std::string rel;
    for (size_t i = 0; i < use.module.size(); ++i) {
      if (use.module.compare(i, 2, "::") == 0) {
        rel += '/';
        ++i;
      } else {
        rel += use.module[i];
      }
    }
    std::string why =
        "use " + use.module + " in " + abs_path(path) + ":" + std::to_string(use.line);
    bool found = false;
    for (auto& dir : inc) {
      std::string pm = dir + "/" + rel + ".pm";
      auto r = tree.lookup(pm, true);
      if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) continue;
      found = true;
      out.add(pm, why);
      // Submodules loaded on demand (Foo/Bar/*.pm) and the XS part (auto/Foo/Bar).
      for (std::string sub : {dir + "/" + rel, dir + "/auto/" + rel}) {
        auto d = tree.lookup(sub, true);
        if (d && d->entry != nullptr && d->entry->type == FileType::Directory) {
          out.add(sub, why, true);
        }
      }
      break;
    }
    // An XS module's shared object may sit in another @INC directory than its .pm.
    for (auto& dir : inc) {
      std::string so = dir + "/auto/" + rel;
      auto d = tree.lookup(so, true);
      if (d && d->entry != nullptr && d->entry->type == FileType::Directory) out.add(so, why, true);
    }
    if (!found) out.note("perl module " + use.module + " (" + why + ") is not in the image");
  }
  return out;
}

}  // namespace imgstrip
