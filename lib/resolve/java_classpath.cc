#include "resolve/java_classpath.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>

#include "core/error.h"
#include "core/path.h"
#include "java/jar_reader.h"
#include "resolve/java_manifest.h"

namespace imgstrip {
namespace {

constexpr size_t kManifestLimit = size_t{1} << 20;
constexpr size_t kArgfileLimit = size_t{1} << 20;
constexpr size_t kJarEntriesLimit = 200000;  // entries read before giving up on a manifest

using Env = std::map<std::string, std::string>;

std::string absolute(std::string_view path) {
  return "/" + std::string(path);
}

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

const Entry* followed(const FileTree& tree, std::string_view path) {
  auto r = tree.lookup(path);
  return r ? r->entry : nullptr;
}

// $NAME, ${NAME}, ${NAME:-default} / ${NAME-default} expanded from `env`; unknown ones
// are left as they are.
std::string expand(std::string_view word, const Env& env) {
  std::string out;
  for (size_t i = 0; i < word.size();) {
    if (word[i] != '$' || i + 1 >= word.size()) {
      out += word[i++];
      continue;
    }
    size_t start = i;
    std::string name, fallback;
    bool has_fallback = false;
    if (word[i + 1] == '{') {
      size_t close = word.find('}', i + 2);
      if (close == std::string_view::npos) {
        out += word.substr(i);
        break;
      }
      std::string_view inner = word.substr(i + 2, close - i - 2);
      size_t op = inner.find_first_of(":-=");
      name = std::string(inner.substr(0, op));
      if (op != std::string_view::npos) {
        std::string_view rest = inner.substr(op);
        if (rest.starts_with(':')) rest.remove_prefix(1);
        if (rest.starts_with('-') || rest.starts_with('=')) {
          has_fallback = true;
          fallback = std::string(rest.substr(1));
        }
      }
      i = close + 1;
    } else {
      size_t j = i + 1;
      while (j < word.size() &&
             (std::isalnum(static_cast<unsigned char>(word[j])) || word[j] == '_'))
        ++j;
      if (j == i + 1) {
        out += word[i++];
        continue;
      }
      name = std::string(word.substr(i + 1, j - i - 1));
      i = j;
    }
    if (auto it = env.find(name); it != env.end()) {
      out += it->second;
    } else if (has_fallback) {
      out += expand(fallback, env);
    } else {
      out += word.substr(start, i - start);
    }
  }
  return out;
}

// The words of a java @argfile: whitespace-separated, '...' and "..." quoting (with
// backslash escapes inside), '#' comments to the end of the line.
std::vector<std::string> argfile_words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '#' && !in_word) {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (c == '"' || c == '\'') {
      in_word = true;
      for (++i; i < text.size() && text[i] != c; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          char e = text[++i];
          if (e == 'n') {
            word += '\n';
          } else if (e == 't') {
            word += '\t';
          } else if (e == '\n' || e == '\r') {  // a continued line: its leading blanks go
            while (i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t' ||
                                           text[i + 1] == '\n' || text[i + 1] == '\r'))
              ++i;
          } else {
            word += e;
          }
        } else {
          word += text[i];
        }
      }
    } else {
      in_word = true;
      word += c;
    }
  }
  if (in_word) out.push_back(std::move(word));
  return out;
}

class JavaCommand {
 public:
  JavaCommand(const FileTree& tree, std::string_view working_dir, Env env)
      : tree_(tree), wd_(strip_slashes(working_dir)), env_(std::move(env)) {}

  Findings run(const std::vector<std::string>& raw) {
    if (raw.empty()) return std::move(out_);
    std::vector<std::string> argv;
    for (auto& a : raw)
      argv.push_back(expand(a, env_));
    what_ = "java";
    for (size_t i = 1; i < argv.size() && what_.size() < 80; ++i)
      what_ += " " + argv[i];
    if (what_.size() > 80) what_ = what_.substr(0, 77) + "...";
    runtime(argv[0]);
    options(argv, 1, true);
    if (jar_) {
      keep_path(*jar_, "-jar of " + what_, false);
    } else if (main_) {
      std::optional<std::string> cp = class_path_;
      if (!cp) {
        if (auto it = env_.find("CLASSPATH"); it != env_.end()) cp = it->second;
      }
      if (cp) {
        class_path(*cp, "class path of " + what_);
      } else if (!wd_.empty()) {
        keep_path(".", "class path \".\" (the default) of " + what_, true);
      } else {
        out_.note(what_ + ": the default class path is the working directory /, not kept whole");
      }
    }
    return std::move(out_);
  }

 private:
  std::string in_wd(std::string_view p) const { return join_path(wd_, p); }

  // Keeps a path (relative to the working directory); directories whole when `dir_tree`.
  void keep_path(std::string_view p, const std::string& why, bool dir_tree) {
    if (p.find('$') != std::string_view::npos) {
      out_.note(what_ + ": " + std::string(p) + " names a variable that is not known, skipped");
      return;
    }
    std::string path = in_wd(p);
    const Entry* e = followed(tree_, path);
    if (e == nullptr) {
      out_.note(what_ + ": " + absolute(path) + " is not in the image");
      return;
    }
    if (path.empty()) {
      out_.note(what_ + ": " + std::string(p) + " is the root, not kept whole");
      return;
    }
    out_.add(path, why, dir_tree && e->type == FileType::Directory);
  }

  // The entries of a class path ("a.jar:lib/*:classes"), each kept.
  void class_path(std::string_view cp, const std::string& why) {
    size_t start = 0;
    while (start <= cp.size()) {
      size_t colon = cp.find(':', start);
      if (colon == std::string_view::npos) colon = cp.size();
      std::string_view entry = cp.substr(start, colon - start);
      start = colon + 1;
      if (entry.empty()) continue;
      if (entry == "*" || entry.ends_with("/*")) {
        std::string dir = in_wd(entry.substr(0, entry.size() - 1));
        while (dir.ends_with('/'))
          dir.pop_back();
        auto r = tree_.lookup(dir);
        if (!r || r->entry == nullptr || r->entry->type != FileType::Directory) {
          out_.note(what_ + ": " + absolute(dir) + "/* is not a directory in the image");
          continue;
        }
        for (const Entry* child : tree_.children(r->path)) {
          const Entry* f = followed(tree_, child->path);
          if (f != nullptr && f->type == FileType::Regular && ends_with_nocase(child->path, ".jar"))
            out_.add(child->path, why + " (" + std::string(entry) + ")");
        }
      } else {
        keep_path(entry, why, true);
      }
    }
  }

  // The runtime's own files: bin/java's home, for a JDK layout.
  void runtime(const std::string& argv0) {
    std::string launcher;
    if (argv0.find('/') != std::string::npos) {
      launcher = in_wd(argv0);
    } else if (auto it = env_.find("JAVA_HOME");
               it != env_.end() && followed(tree_, join_path(it->second, "bin/java"))) {
      launcher = join_path(it->second, "bin/java");
    } else {
      auto path_var = env_.find("PATH");
      std::string path = path_var != env_.end()
                             ? path_var->second
                             : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                               "/sbin:/bin";
      for (size_t s = 0; s <= path.size();) {
        size_t c = path.find(':', s);
        if (c == std::string::npos) c = path.size();
        std::string candidate = join_path(path.substr(s, c - s), argv0);
        s = c + 1;
        const Entry* e = followed(tree_, candidate);
        if (e != nullptr && e->type == FileType::Regular) {
          launcher = candidate;
          break;
        }
      }
    }
    if (launcher.empty()) return;
    auto r = tree_.lookup(launcher);
    if (!r || r->entry == nullptr) return;
    out_.add(launcher, "the java launcher of " + what_);
    std::string home(dir_name(dir_name(r->path)));
    if (base_name(dir_name(r->path)) != "bin") return;
    if (base_name(home) == "jre" || !followed(tree_, join_path(home, "lib"))) return;
    bool modular = followed(tree_, join_path(home, "lib/modules")) != nullptr;
    bool legacy = followed(tree_, join_path(home, "lib/rt.jar")) != nullptr ||
                  followed(tree_, join_path(home, "jre/lib/rt.jar")) != nullptr;
    if (!modular && !legacy) return;
    std::string why = "Java runtime of " + absolute(r->path);
    for (const char* part : {"lib", "conf", "jre/lib", "release"}) {
      std::string p = join_path(home, part);
      if (const Entry* e = followed(tree_, p)) out_.add(p, why, e->type == FileType::Directory);
    }
  }

  std::optional<std::string> value_after(const std::vector<std::string>& argv, size_t& i) {
    if (i + 1 >= argv.size()) {
      out_.note(what_ + ": " + argv[i] + " without a value");
      return std::nullopt;
    }
    return argv[++i];
  }

  // Reads options from argv[i] on; stops at the main class, -jar FILE or -m MODULE.
  void options(const std::vector<std::string>& argv, size_t i, bool top) {
    static const std::vector<std::string> kWithValue = {
        "--add-modules", "--limit-modules",        "--add-reads", "--add-exports",    "--add-opens",
        "--source",      "--enable-native-access", "-d",          "--describe-module"};
    for (; i < argv.size(); ++i) {
      const std::string& a = argv[i];
      auto eq_value = [&](std::string_view opt) -> std::optional<std::string> {
        if (a.size() > opt.size() && a.starts_with(opt) && a[opt.size()] == '=')
          return a.substr(opt.size() + 1);
        return std::nullopt;
      };
      if (a.starts_with('@') && top && !no_argfiles_) {
        argfile(a.substr(1));
      } else if (a == "--disable-@files") {
        no_argfiles_ = true;
      } else if (a == "-jar") {
        if (auto v = value_after(argv, i)) jar_ = *v;
        return;
      } else if (a == "-cp" || a == "-classpath" || a == "--class-path") {
        if (auto v = value_after(argv, i)) class_path_ = *v;
      } else if (auto v = eq_value("--class-path")) {
        class_path_ = *v;
      } else if (a == "-p" || a == "--module-path" || a == "--upgrade-module-path") {
        if (auto v = value_after(argv, i)) class_path(*v, a + " of " + what_);
      } else if (auto mp = eq_value("--module-path") ? eq_value("--module-path")
                                                     : eq_value("--upgrade-module-path")) {
        class_path(*mp, "module path of " + what_);
      } else if (a == "--patch-module" || eq_value("--patch-module")) {
        std::optional<std::string> v =
            a == "--patch-module" ? value_after(argv, i) : eq_value("--patch-module");
        if (v && v->find('=') != std::string::npos)
          class_path(v->substr(v->find('=') + 1), "--patch-module of " + what_);
      } else if (a == "-m" || a == "--module") {
        main_ = true;
        return;
      } else if (eq_value("--module")) {
        main_ = true;
        return;
      } else if (a.starts_with("-Xbootclasspath")) {
        if (size_t c = a.find(':'); c != std::string::npos)
          class_path(a.substr(c + 1), "boot class path of " + what_);
      } else if (a.starts_with("-javaagent:")) {
        std::string jar = a.substr(11);
        keep_path(jar.substr(0, jar.find('=')), "Java agent of " + what_, false);
      } else if (a.starts_with("-agentpath:")) {
        std::string lib = a.substr(11);
        keep_path(lib.substr(0, lib.find('=')), "JVMTI agent of " + what_, false);
      } else if (a.starts_with("-splash:")) {
        keep_path(a.substr(8), "splash image of " + what_, false);
      } else if (a.starts_with("-D")) {
        property(a.substr(2));
      } else if (a.starts_with("-XX:")) {
        size_t eq = a.find('=');
        if (eq != std::string::npos && a.compare(eq + 1, 1, "/") == 0) existing(a.substr(eq + 1));
      } else if (std::find(kWithValue.begin(), kWithValue.end(), a) != kWithValue.end()) {
        value_after(argv, i);
      } else if (a.starts_with('-')) {
        // -Xmx1g, -ea, -server, --enable-preview...: nothing to keep
      } else {
        main_ = true;
        if (a.ends_with(".java")) keep_path(a, "source file run by " + what_, false);
        return;
      }
    }
  }

  void argfile(const std::string& name) {
    std::string path = in_wd(name);
    const Entry* e = followed(tree_, path);
    if (e == nullptr || e->type != FileType::Regular) {
      out_.note(what_ + ": argument file " + absolute(path) + " is not in the image");
      return;
    }
    out_.add(path, "argument file of " + what_);
    std::string text;
    try {
      text = tree_.read(*e, kArgfileLimit);
    } catch (const Error& err) {
      out_.note(absolute(path) + ": " + err.what());
      return;
    }
    std::vector<std::string> words{"java"};
    for (auto& w : argfile_words(text))
      words.push_back(expand(w, env_));
    options(words, 1, false);
  }

  // -Dname=value: library and loader paths, and values that are paths in the image.
  void property(const std::string& def) {
    size_t eq = def.find('=');
    if (eq == std::string::npos) return;
    std::string name = def.substr(0, eq), value = def.substr(eq + 1);
    if (name == "java.library.path" || name == "java.ext.dirs" || name == "java.endorsed.dirs" ||
        name == "java.class.path") {
      class_path(value, "-D" + name + " of " + what_);
    } else if (name == "loader.path") {  // Spring Boot's PropertiesLauncher: a comma list
      for (size_t s = 0; s <= value.size();) {
        size_t c = value.find(',', s);
        if (c == std::string::npos) c = value.size();
        std::string entry = value.substr(s, c - s);
        s = c + 1;
        if (entry.starts_with("file:")) entry = entry.substr(5);
        if (!entry.empty() && entry.find(':') == std::string::npos)
          keep_path(entry, "-Dloader.path of " + what_, true);
      }
    } else if (name != "java.io.tmpdir" && name != "user.home" && name != "user.dir") {
      std::string v = value.starts_with("file:") ? value.substr(5) : value;
      while (v.starts_with("//"))
        v = v.substr(1);
      if (v.starts_with('/')) existing(v);
    }
  }

  // An absolute path given as an option's value: kept when it exists.
  void existing(const std::string& p) {
    if (p.find('$') != std::string::npos) return;
    std::string path = strip_slashes(p);
    const Entry* e = followed(tree_, path);
    if (e != nullptr && !path.empty()) {
      out_.add(path, "named by " + what_, e->type == FileType::Directory);
    }
  }

  const FileTree& tree_;
  std::string wd_;
  Env env_;
  Findings out_;
  std::string what_;
  std::optional<std::string> jar_, class_path_;
  bool main_ = false;
  bool no_argfiles_ = false;
};

// The manifest's text, or nullopt with a note in `out` (java/jar_reader.h reads the jar).
std::optional<std::string> read_manifest(const FileTree& tree, const Entry& jar,
                                         const std::string& name, Findings& out) {
  try {
    JarReader r(tree, jar);
    for (size_t n = 0; n < kJarEntriesLimit; ++n) {
      auto p = r.next();
      if (!p) return std::nullopt;  // a jar without a manifest
      if (p->size() != 20 || !ends_with_nocase(*p, "META-INF/MANIFEST.MF")) continue;
      bool truncated = false;
      std::string text;
      try {
        text = r.read(kManifestLimit, &truncated);
      } catch (const Error& e) {
        out.note(name + ": its manifest " + e.what());
        return std::nullopt;
      }
      if (truncated)
        out.note(name + ": manifest larger than " + std::to_string(kManifestLimit) +
                 " bytes, only its start read");
      return text;
    }
  } catch (const Error& e) {
    out.note(name + ": " + e.what());
    return std::nullopt;
  }
  out.note(name + ": no manifest in its first " + std::to_string(kJarEntriesLimit) + " entries");
  return std::nullopt;
}

}  // namespace

bool is_jar(std::string_view path) {
  return ends_with_nocase(path, ".jar") || ends_with_nocase(path, ".war");
}

Findings java_command(const FileTree& tree, const std::vector<std::string>& argv,
                      std::string_view working_dir,
                      const std::vector<std::pair<std::string, std::string>>& env) {
  Env vars;
  for (auto& [k, v] : env)
    vars[k] = v;
  return JavaCommand(tree, working_dir, std::move(vars)).run(argv);
}

Findings java_jar(const FileTree& tree, const std::string& jar_path) {
  Findings out;
  auto r = tree.lookup(jar_path);
  if (!r || r->entry == nullptr || r->entry->type != FileType::Regular) return out;
  std::string name = absolute(FileTree::normalize(jar_path));
  auto text = read_manifest(tree, *r->entry, name, out);
  if (!text) return out;
  JarManifest m = parse_manifest(*text);
  for (auto& n : m.notes)
    out.note(name + " manifest " + n);
  std::string dir(dir_name(r->path));  // Class-Path URLs are relative to the jar's real place
  for (const char* attribute : {"Class-Path", "Boot-Class-Path"}) {
    auto value = m.get(attribute);
    if (!value) continue;
    std::vector<std::string> skipped;
    for (auto& entry : class_path_entries(*value, &skipped)) {
      std::string path = join_path(dir, entry);
      const Entry* e = followed(tree, path);
      if (e == nullptr || path.empty()) {
        out.note(name + ": " + attribute + " entry " + entry + " is not in the image");
        continue;
      }
      out.add(path, std::string(attribute) + " of " + name, e->type == FileType::Directory);
    }
    for (auto& s : skipped)
      out.note(name + ": " + attribute + " entry " + s + " is not a local path, not followed");
  }
  return out;
}

}  // namespace imgstrip
