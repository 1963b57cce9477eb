#include "resolve/text_scan.h"

#include <cctype>
#include <cstring>

#include <optional>
#include <set>

#include "core/path.h"
#include "core/text.h"

namespace imgstrip {
namespace {

bool path_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && c != '"' && c != '\'' && c != ';' && c != ',' && c != '(' &&
         c != ')' && c != '<' && c != '>' && c != '`' && c != '|' && c != '&' && c != '$' &&
         c != '{' && c != '}' && c != '=' && c != ':' && c != '\\';
}

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '+' || c == '[';
}

// Calls `fn(line, number)` for each line of `text`.
template <typename Fn>
void each_line(std::string_view text, Fn fn) {
  size_t number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    fn(line, ++number);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// A shell line that only prints: `echo`/`printf` first, and no command substitution,
// pipe, list or background operator outside quotes (`>&2` is a redirection). Its words
// are text ("Run mysql_upgrade", "cd '$basedir' ; perl mariadb-test-run.pl"), not commands.
bool message_line(std::string_view line) {
  std::string_view t = trim_line(line);
  auto first = t.substr(0, t.find_first_of(" \t"));
  if (first != "echo" && first != "printf") return false;
  char quote = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '\\' && quote != '\'') {
      ++i;
      continue;
    }
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else if (quote == '"' && (c == '`' || (c == '$' && i + 1 < t.size() && t[i + 1] == '(')))
        return false;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '`' || c == ';' || c == '|' ||
               (c == '$' && i + 1 < t.size() && t[i + 1] == '(')) {
      return false;
    } else if (c == '&' && !(i > 0 && (t[i - 1] == '>' || t[i - 1] == '<')) &&
               !(i + 1 < t.size() && t[i + 1] == '>')) {
      return false;
    }
  }
  return quote == 0;  // a string that goes on to the next line: not sure, scan it
}

}  // namespace

std::optional<Shebang> parse_shebang(std::string_view head) {
  if (!head.starts_with("#!")) return std::nullopt;
  std::string_view line = head.substr(2);
  if (size_t nl = head.find('\n'); nl != std::string_view::npos) line = head.substr(2, nl - 2);
  line = trim_line(line);
  if (line.empty()) return std::nullopt;
  size_t end = line.find_first_of(" \t");
  Shebang s;
  s.interpreter = std::string(line.substr(0, end));
  if (end != std::string_view::npos) s.argument = std::string(trim_line(line.substr(end)));
  return s;
}

std::optional<std::string> env_program(const Shebang& shebang) {
  if (base_name(shebang.interpreter) != "env") return std::nullopt;
  std::string_view rest = shebang.argument;
  while (!rest.empty()) {
    rest = trim_line(rest);
    size_t end = rest.find_first_of(" \t");
    std::string_view word = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (word.empty()) break;
    if (word.starts_with('-') || word.find('=') != std::string_view::npos) continue;
    return std::string(word);
  }
  return std::nullopt;
}

bool is_shell(std::string_view interpreter) {
  static const std::set<std::string_view> kShells = {"sh",  "bash", "dash", "ash",
                                                     "ksh", "mksh", "zsh",  "busybox"};
  return kShells.count(base_name(interpreter)) != 0;
}

bool looks_like_text(std::string_view head) {
  if (head.starts_with("\x7f"
                       "ELF")) {
    return false;
  }
  return head.find('\0') == std::string_view::npos;
}

bool has_glob(std::string_view path) {
  return path.find_first_of("*?[") != std::string_view::npos;
}

std::vector<TextRef> absolute_paths(std::string_view text) {
  std::vector<TextRef> out;
  each_line(text, [&](std::string_view line, size_t number) {
    std::string_view t = trim_line(line);
    if (t.starts_with('#') || t.starts_with(';') || t.starts_with("//")) return;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '/') continue;
      if (i > 0 && path_char(line[i - 1])) continue;  // inside a word or a URL ("http://")
      size_t j = i;
      while (j < line.size() && path_char(line[j]))
        ++j;
      std::string_view p = line.substr(i, j - i);
      while (p.size() > 1 && (p.back() == '.' || p.back() == '/'))
        p.remove_suffix(1);
      if (p.size() > 1 && p[1] != '/') out.push_back({std::string(p), number});
      i = j;
    }
  });
  return out;
}

namespace {

// A here-document `cat` prints (`cat <<EOF`, `cat >&2 <<-'END'`): its delimiter, and whether
// it was quoted (no expansion in the body). Bodies other commands read (sh, mysql) are not
// text, so only cat's count.
struct HereDoc {
  std::string delimiter;
  bool quoted = false;
};

std::optional<HereDoc> cat_here_doc(std::string_view line) {
  std::string_view t = trim_line(line);
  if (t.substr(0, t.find_first_of(" \t")) != "cat") return std::nullopt;
  size_t at = t.find("<<");
  if (at == std::string_view::npos || t.substr(at).starts_with("<<<")) return std::nullopt;
  std::string_view rest = t.substr(at + 2);
  if (rest.starts_with('-')) rest.remove_prefix(1);
  rest = trim_line(rest);
  HereDoc doc;
  if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
    size_t close = rest.find(rest.front(), 1);
    if (close == std::string_view::npos) return std::nullopt;
    doc.delimiter = rest.substr(1, close - 1);
    doc.quoted = true;
  } else {
    size_t end = 0;
    while (end < rest.size() && word_char(rest[end]) && rest[end] != '[')
      ++end;
    doc.delimiter = rest.substr(0, end);
  }
  if (doc.delimiter.empty()) return std::nullopt;
  return doc;
}

// The word after `for` or `select` names a variable: `for dir in "$@"`, `for f; do`.
bool loop_variable(std::string_view before, std::string_view after) {
  before = trim_line(before);
  if (!(before == "for" || before.ends_with(" for") || before.ends_with(";for") ||
        before == "select" || before.ends_with(" select")))
    return false;
  after = trim_line(after);
  return after.empty() || after.starts_with(';') || after == "in" || after.starts_with("in ") ||
         after.starts_with("in\t");
}

}  // namespace

std::vector<TextRef> shell_words(std::string_view text) {
  std::vector<TextRef> out;
  std::set<std::string, std::less<>> seen;
  std::optional<HereDoc> doc;
  each_line(text, [&](std::string_view line, size_t number) {
    if (doc) {
      std::string_view body = line;
      while (!body.empty() && body.front() == '\t')
        body.remove_prefix(1);
      if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
      if (body == doc->delimiter) {
        doc.reset();
        return;
      }
      // Expanded bodies run what $(...) and `...` name.
      if (doc->quoted ||
          (line.find("$(") == std::string_view::npos && line.find('`') == std::string_view::npos))
        return;
    } else {
      doc = cat_here_doc(line);
    }
    if (message_line(line)) return;
    for (size_t i = 0; i < line.size();) {
      char c = line[i];
      if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return;  // comment
      if (!word_char(c) || (i > 0 && (word_char(line[i - 1]) || line[i - 1] == '/' ||
                                      line[i - 1] == '$' || line[i - 1] == '='))) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < line.size() && word_char(line[j]))
        ++j;
      std::string_view w = line.substr(i, j - i);
      // A word followed by '=' is an assignment, by '/' a relative path.
      bool ok = (j >= line.size() || (line[j] != '=' && line[j] != '/')) &&
                !loop_variable(line.substr(0, i), line.substr(j));
      if (ok && w != "." && w != ".." && seen.insert(std::string(w)).second) {
        out.push_back({std::string(w), number});
      }
      i = j;
    }
  });
  return out;
}

std::vector<TextRef> variable_dir_names(std::string_view text) {
  std::vector<TextRef> out;
  std::set<std::string> seen;
  size_t line = 1;
  bool comment = false;
  auto line_at = [&](size_t start) { return text.substr(start, text.find('\n', start) - start); };
  comment = message_line(line_at(0));
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      comment = message_line(line_at(i + 1));  // a printing line is skipped like a comment
      continue;
    }
    if (comment) continue;
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      comment = true;
      continue;
    }
    if (c != '$') continue;
    // $name/... or ${name}/...: the word's last component.
    size_t j = i + 1;
    if (j < text.size() && text[j] == '{') {
      size_t close = text.find('}', j);
      if (close == std::string_view::npos || close - j > 64) continue;
      j = close + 1;
    } else {
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
        ++j;
    }
    if (j >= text.size() || text[j] != '/') continue;
    size_t end = j;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                 std::strchr("/._+-", text[end]) != nullptr)) {
      ++end;
    }
    std::string_view word = text.substr(j, end - j);
    size_t slash = word.rfind('/');
    std::string name(word.substr(slash + 1));
    if (name.empty() || name == "." || name == ".." || !seen.insert(name).second) continue;
    out.push_back({name, line});
    i = end - 1;
  }
  return out;
}

}  // namespace imgstrip
