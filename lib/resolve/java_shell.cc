#include "resolve/java_shell.h"

#include <map>
#include <set>

#include "core/path.h"

namespace imgstrip {
namespace {

bool var_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool var_name_char(char c) {
  return var_name_start(c) || (c >= '0' && c <= '9');
}
bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Reads a script one simple command at a time.
class ShellReader {
 public:
  explicit ShellReader(std::string_view s) : s_(s) {}

  bool done() const { return pos_ >= s_.size(); }

  // The words of the next command (possibly none), and the line it starts on.
  std::vector<std::string> command(size_t& line) {
    std::vector<std::string> words;
    skip_blanks();
    line = line_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (blank(c)) {
        skip_blanks();
      } else if (c == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') {
        pos_ += 2;
        ++line_;
      } else if (c == '\n') {
        ++pos_;
        newline();
        return words;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n')
          ++pos_;
      } else if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
        if (c == '&' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '>') {
          redirection();
          continue;
        }
        ++pos_;
        while (pos_ < s_.size() && (s_[pos_] == c || (c == ';' && s_[pos_] == '&')))
          ++pos_;
        return words;
      } else if (c == '<' || c == '>') {
        redirection();
      } else {
        std::string w = word();
        if (pos_ < s_.size() && (s_[pos_] == '<' || s_[pos_] == '>') && !w.empty() &&
            w.find_first_not_of("0123456789") == std::string::npos) {
          redirection();  // 2>&1: the digits are a file descriptor
          continue;
        }
        words.push_back(std::move(w));
      }
    }
    return words;
  }

  std::map<std::string, std::string> vars;

 private:
  void skip_blanks() {
    while (pos_ < s_.size() && blank(s_[pos_]))
      ++pos_;
  }

  // At the end of a line: the bodies of here-documents started on it are skipped.
  void newline() {
    ++line_;
    for (auto& delimiter : heredocs_) {
      while (pos_ < s_.size()) {
        size_t end = s_.find('\n', pos_);
        if (end == std::string_view::npos) end = s_.size();
        std::string_view l = s_.substr(pos_, end - pos_);
        pos_ = end < s_.size() ? end + 1 : end;
        ++line_;
        while (!l.empty() && (l.front() == '\t'))
          l.remove_prefix(1);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        if (l == delimiter) break;
      }
    }
    heredocs_.clear();
  }

  // <file, >>file, 2>&1, <<EOF, &>file: the operator and its word are dropped.
  void redirection() {
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (s_[pos_] == '<' || s_[pos_] == '>' || s_[pos_] == '&' || s_[pos_] == '|' ||
            s_[pos_] == '-') &&
           pos_ - start < 3)
      ++pos_;
    std::string_view op = s_.substr(start, pos_ - start);
    skip_blanks();
    if (pos_ >= s_.size() || s_[pos_] == '\n') return;
    std::string target = word();
    if ((op == "<<" || op == "<<-") && !target.empty()) heredocs_.push_back(target);
  }

  // One word, quotes removed, known variables expanded.
  std::string word() {
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' ||
          c == '<' || c == '>') {
        break;
      }
      if (c == '\'') {
        size_t end = s_.find('\'', pos_ + 1);
        if (end == std::string_view::npos) end = s_.size();
        std::string_view lit = s_.substr(pos_ + 1, end - pos_ - 1);
        for (char x : lit)
          if (x == '\n') ++line_;
        out.append(lit);
        pos_ = end < s_.size() ? end + 1 : end;
      } else if (c == '"') {
        ++pos_;
        while (pos_ < s_.size() && s_[pos_] != '"') {
          char d = s_[pos_];
          if (d == '\\' && pos_ + 1 < s_.size() &&
              std::string_view("$`\"\\\n").find(s_[pos_ + 1]) != std::string_view::npos) {
            if (s_[pos_ + 1] == '\n') {
              ++line_;
            } else {
              out += s_[pos_ + 1];
            }
            pos_ += 2;
          } else if (d == '$') {
            dollar(out);
          } else if (d == '`') {
            backquote(out);
          } else {
            if (d == '\n') ++line_;
            out += d;
            ++pos_;
          }
        }
        if (pos_ < s_.size()) ++pos_;
      } else if (c == '\\') {
        if (pos_ + 1 < s_.size()) {
          if (s_[pos_ + 1] == '\n') {
            ++line_;
          } else {
            out += s_[pos_ + 1];
          }
          pos_ += 2;
        } else {
          ++pos_;
        }
      } else if (c == '$') {
        dollar(out);
      } else if (c == '`') {
        backquote(out);
      } else {
        out += c;
        ++pos_;
      }
    }
    return out;
  }

  void backquote(std::string& out) {
    size_t end = s_.find('`', pos_ + 1);
    if (end == std::string_view::npos) end = s_.size() - 1;
    out.append(s_.substr(pos_, end + 1 - pos_));
    pos_ = end + 1;
  }

  // At a '$': a known variable's value, else the text as written ($@, $(cmd), $UNKNOWN).
  void dollar(std::string& out) {
    size_t start = pos_;
    ++pos_;
    if (pos_ >= s_.size()) {
      out += '$';
      return;
    }
    char c = s_[pos_];
    if (c == '(') {  // $(...) and $((...)): kept as written, nested parentheses balanced
      int depth = 0;
      for (; pos_ < s_.size(); ++pos_) {
        if (s_[pos_] == '(') ++depth;
        if (s_[pos_] == ')' && --depth == 0) break;
        if (s_[pos_] == '\n') ++line_;
      }
      if (pos_ < s_.size()) ++pos_;
      out.append(s_.substr(start, pos_ - start));
      return;
    }
    std::string name, fallback;
    bool has_fallback = false;
    if (c == '{') {
      size_t close = s_.find('}', pos_);
      if (close == std::string_view::npos) close = s_.size() - 1;
      std::string_view inner = s_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      size_t n = 0;
      while (n < inner.size() && var_name_char(inner[n]))
        ++n;
      name = std::string(inner.substr(0, n));
      std::string_view rest = inner.substr(n);
      if (rest.starts_with(':')) rest.remove_prefix(1);
      if (rest.starts_with('-') || rest.starts_with('=')) {
        has_fallback = true;
        fallback = std::string(rest.substr(1));
      } else if (!rest.empty()) {
        name.clear();  // ${X#pattern}, ${#X}...: kept as written
      }
    } else if (var_name_start(c)) {
      while (pos_ < s_.size() && var_name_char(s_[pos_]))
        ++pos_;
      name = std::string(s_.substr(start + 1, pos_ - start - 1));
    } else {
      ++pos_;  // $@, $1, $$...
      out.append(s_.substr(start, pos_ - start));
      return;
    }
    if (auto it = vars.find(name); !name.empty() && it != vars.end()) {
      out += it->second;
    } else if (has_fallback && !name.empty()) {
      ShellReader inner(fallback);
      inner.vars = vars;
      out += inner.word();
    } else {
      out.append(s_.substr(start, pos_ - start));
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t line_ = 1;
  std::vector<std::string> heredocs_;
};

bool assignment(const std::string& w) {
  size_t eq = w.find('=');
  if (eq == std::string::npos || eq == 0 || !var_name_start(w[0])) return false;
  for (size_t i = 1; i < eq; ++i)
    if (!var_name_char(w[i])) return false;
  return true;
}

}  // namespace

std::vector<JavaCommandLine> java_command_lines(std::string_view script) {
  static const std::set<std::string, std::less<>> kKeywords = {
      "then",  "else",  "elif", "do",    "!",       "{",      "}",      "if",
      "while", "until", "time", "nohup", "command", "setsid", "builtin"};
  std::vector<JavaCommandLine> out;
  ShellReader reader(script);
  while (!reader.done()) {
    size_t line = 0;
    std::vector<std::string> w = reader.command(line);
    if (w.empty()) continue;
    size_t i = 0;
    while (i < w.size() && kKeywords.count(w[i]) != 0)
      ++i;
    // Assignments only (export/readonly/local/declare X=..., also after then/else): the
    // variables are remembered.
    size_t first = i;
    if (first < w.size() && (w[first] == "export" || w[first] == "readonly" ||
                             w[first] == "local" || w[first] == "declare" || w[first] == "typeset"))
      ++first;
    bool only_assignments = first < w.size();
    for (size_t k = first; k < w.size(); ++k)
      only_assignments = only_assignments && (assignment(w[k]) || w[k].starts_with('-'));
    if (only_assignments) {
      for (size_t k = first; k < w.size(); ++k) {
        if (!assignment(w[k])) continue;
        size_t eq = w[k].find('=');
        reader.vars[w[k].substr(0, eq)] = w[k].substr(eq + 1);
      }
      continue;
    }
    // Wrappers and keywords before the command word.
    while (i < w.size()) {
      const std::string& a = w[i];
      if (assignment(a) || kKeywords.count(a) != 0) {
        ++i;
      } else if (a == "exec") {
        ++i;
        while (i < w.size() && w[i].starts_with('-')) {
          if (w[i] == "-a" && i + 1 < w.size()) ++i;
          ++i;
        }
      } else if (a == "env" || base_name(a) == "env") {
        ++i;
        while (i < w.size() && (w[i].starts_with('-') || assignment(w[i]))) {
          if ((w[i] == "-u" || w[i] == "-C" || w[i] == "-S") && i + 1 < w.size()) ++i;
          ++i;
        }
      } else if (a == "nice" || a == "stdbuf" || a == "ionice" || a == "chrt" || a == "taskset") {
        ++i;
        while (i < w.size() && w[i].starts_with('-')) {
          if ((w[i] == "-n" || w[i] == "-c") && i + 1 < w.size()) ++i;
          ++i;
        }
      } else if (a == "gosu" || a == "su-exec" || base_name(a) == "gosu" ||
                 base_name(a) == "su-exec") {
        i += 2;  // the user
      } else if (base_name(a) == "tini" || base_name(a) == "dumb-init" ||
                 base_name(a) == "catatonit") {
        ++i;
        while (i < w.size() && w[i].starts_with('-'))
          ++i;
      } else {
        break;
      }
    }
    if (i >= w.size() || base_name(w[i]) != "java") continue;
    JavaCommandLine cmd;
    cmd.argv.assign(w.begin() + static_cast<ptrdiff_t>(i), w.end());
    cmd.line = line;
    out.push_back(std::move(cmd));
  }
  return out;
}

}  // namespace imgstrip
