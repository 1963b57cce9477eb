#include "seccomp/script_names.h"

#include <algorithm>

#include "core/path.h"
#include "core/text.h"

namespace imgstrip {
namespace {

constexpr uint64_t kFileLimit = uint64_t{64} << 20;  // larger files are data

bool script_file(std::string_view path) {
  for (std::string_view s : {".py", ".pyc", ".php", ".phtml", ".inc"})
    if (path.ends_with(s)) return true;
  return false;
}

// An archive Python imports from (a zip), or a PHP archive (its own format).
bool code_archive(std::string_view path, std::string_view data) {
  if (path.ends_with(".phar")) return true;
  if (!data.starts_with("PK\x03\x04")) return false;
  for (std::string_view s : {".zip", ".egg", ".whl", ".pyz"})
    if (path.ends_with(s)) return true;
  return false;
}

// A file PHP reads settings from, some of them names of functions it calls: its ini files
// (php.ini, conf.d, per-directory .user.ini) and FPM's pool files, under etc/php* or, in
// the php images' layout, usr/local/etc/php*.
bool php_configuration(std::string_view path) {
  return path.starts_with("etc/php") || path.find("/etc/php") != std::string_view::npos ||
         path.ends_with(".ini") || base_name(path) == ".htaccess";
}

// Settings a web server hands to PHP: nginx's `fastcgi_param PHP_VALUE "a=b\n c=d";`
// (FastCGI's names are upper case; to the semicolon, over lines) and Apache's `php_value a
// b` (to the end of the line, with continuations).
void add_server_php_settings(std::string_view data, NameSet& out) {
  std::string lower = ascii_lower(data);
  for (size_t at = lower.find("php_"); at != std::string::npos; at = lower.find("php_", at + 4)) {
    std::string_view rest = std::string_view(lower).substr(at + 4);
    if (!rest.starts_with("value") && !rest.starts_with("admin_value") &&
        !rest.starts_with("flag") && !rest.starts_with("admin_flag"))
      continue;
    size_t end = at;
    while (end < data.size() && (data[end] != '\n' || data[end - 1] == '\\'))
      ++end;
    if (data.substr(at, 4) == "PHP_")
      end = std::max(end, std::min(data.find(';', at), data.size()));
    add_identifiers(data.substr(at, end - at), false, out);
  }
}

}  // namespace

void add_php_identifiers(std::string_view path, std::string_view data, NameSet& out) {
  if (php_configuration(path)) {
    add_identifiers(data, false, out);
    return;
  }
  // What precedes the first open tag is output, never run (a web server's PHP settings
  // there aside); after it, code and output alternate, and a closing tag in a comment or
  // string is not one: all of it counts.
  size_t open = data.find("<?");
  if (open != std::string_view::npos) add_identifiers(data.substr(open), false, out);
  add_server_php_settings(data.substr(0, open), out);
}

void add_identifiers(std::string_view data, bool binary, NameSet& out) {
  size_t i = 0;
  while (i < data.size()) {
    if (!identifier_char(data[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < data.size() && identifier_char(data[j]))
      ++j;
    std::string_view run = data.substr(i, j - i);
    i = j;
    if (run.size() > 256) continue;  // not a name
    if (!binary) {
      if (identifier_start(run[0])) add_name(out, run);
      continue;
    }
    // marshal writes a string as a type byte ('z', 'Z', 'a', 'A', 'u', 't') and a length
    // (one byte for the short types, a letter for lengths such as 65), back to back: at
    // each type letter, what comes before it and what follows it or its length.
    auto emit = [&](std::string_view name) {
      if (!name.empty() && identifier_start(name[0])) add_name(out, name);
    };
    emit(run);
    for (size_t k = 0; k < run.size(); ++k) {
      if (std::string_view("zZaAut").find(run[k]) == std::string_view::npos) continue;
      emit(run.substr(0, k));
      emit(run.substr(k + 1));
      if (k + 2 <= run.size()) emit(run.substr(k + 2));
    }
  }
}

ScriptNames script_names(const FileTree& tree, const std::set<std::string>& kept,
                         const std::vector<std::string>& command_line) {
  ScriptNames out;
  if (std::none_of(kept.begin(), kept.end(), [](const std::string& p) { return script_file(p); }))
    return out;
  CalledNames names;
  for (const auto& k : kept) {
    std::string path = FileTree::normalize(k);
    const Entry* e = tree.find(path);
    if (e == nullptr || e->type != FileType::Regular || e->size == 0 || e->size > kFileLimit)
      continue;
    std::string data = tree.read(*e, kFileLimit);
    if (data.starts_with("\x7f"
                         "ELF"))
      continue;
    if (code_archive(path, data)) {
      out.why_not = "/" + path + " is an archive of code, not read";
      return out;
    }
    bool binary = data.find('\0') != std::string::npos;
    add_identifiers(data, binary, names.python);
    add_php_identifiers(path, data, names.php);
  }
  for (const auto& word : command_line) {
    add_identifiers(word, false, names.python);
    add_identifiers(word, false, names.php);
  }
  out.names = std::move(names);
  return out;
}

}  // namespace imgstrip
