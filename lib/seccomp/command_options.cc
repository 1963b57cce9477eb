#include "seccomp/command_options.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/text.h"

namespace imgstrip {
namespace {

constexpr size_t kMaxRest = 64 * 1024;           // what is read after a use: the rest is data
constexpr size_t kLineBudget = size_t{4} << 20;  // read per line: a line with more uses is on
constexpr size_t kMaxShown = 200;

// A character that can be part of a command's file name or a program's identifier.
bool name_char(char c) {
  return identifier_char(c) || c == '-' || c == '.' || c == '+';
}

bool quote(char c) {
  return c == '"' || c == '\'';
}

// A separator between arguments, whatever the language: blanks, quotes, list and call
// punctuation, shell operators, and the control bytes between the strings of bytecode
// (marshal's type and length bytes).
bool separator(char c) {
  return static_cast<unsigned char>(c) <= 0x20 || quote(c) || c == ',' || c == '[' || c == ']' ||
         c == '(' || c == ')' || c == '{' || c == '}' || c == ';' || c == '&' || c == '|' ||
         c == '<' || c == '>' || c == '`';
}

// The lines of `text`, a line ending in a backslash joined with the next, with the number of
// the line each starts on. In `c_strings` (an ELF object's bytes) a NUL ends a line too:
// each string is one.
template <typename F>
void each_logical_line(std::string_view text, bool c_strings, F&& f) {
  size_t pos = 0, number = 1;
  std::string joined;
  // The next physical line from `pos`, advancing it and the line count.
  auto next_line = [&](bool& newline) {
    size_t end = pos;
    while (end < text.size() && text[end] != '\n' && !(c_strings && text[end] == '\0'))
      ++end;
    std::string_view line = text.substr(pos, end - pos);
    newline = end < text.size() && text[end] == '\n';
    pos = end < text.size() ? end + 1 : end;
    if (newline) ++number;
    return line;
  };
  while (pos < text.size()) {
    size_t first = number;
    bool newline = false;
    std::string_view line = next_line(newline);
    if (newline && line.ends_with('\\') && pos < text.size()) {
      joined.assign(line.substr(0, line.size() - 1));
      for (;;) {
        std::string_view more = next_line(newline);
        joined.push_back(' ');
        bool again = newline && more.ends_with('\\') && pos < text.size();
        joined.append(again ? more.substr(0, more.size() - 1) : more);
        if (!again) break;
      }
      line = joined;
    }
    if (!f(line, first)) return;
  }
}

// Shell variables whose every assignment in the text is a literal without an option-like
// word ("CONFFILE=/etc/php/8.2/fpm/php-fpm.conf"): expanded unquoted, they still give
// operands. A variable assigned nowhere in the text comes from the environment or the
// caller: unknown.
using SafeVariables = std::unordered_map<std::string, bool>;

bool literal_operands(std::string_view value) {
  if (value.size() >= 2 && quote(value.front()) && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  if (value.find_first_of("$`\\") != std::string_view::npos) return false;
  bool word_start = true;
  for (char c : value) {
    if (word_start && c == '-') return false;
    word_start = c == ' ' || c == '\t';
  }
  return true;
}

SafeVariables safe_variables(std::string_view text) {
  SafeVariables out;
  for_each_line(text, [&](std::string_view raw, size_t) {
    std::string_view line = trim_line(raw);
    for (std::string_view kw : {"export ", "local ", "readonly ", "declare "})
      if (line.starts_with(kw)) line = trim_line(line.substr(kw.size()));
    size_t n = 0;
    while (n < line.size() && identifier_char(line[n]))
      ++n;
    if (n == 0 || n >= line.size() || line[n] != '=' || !identifier_start(line[0])) return;
    std::string_view value = line.substr(n + 1);
    // The value: a quoted string, or up to a blank or a command separator.
    size_t end = 0;
    if (!value.empty() && quote(value[0])) {
      end = value.find(value[0], 1);
      end = end == std::string_view::npos ? value.size() : end + 1;
    } else {
      while (end < value.size() && value[end] != ' ' && value[end] != '\t' && value[end] != ';')
        ++end;
    }
    bool safe = literal_operands(value.substr(0, end));
    auto [it, inserted] = out.emplace(std::string(line.substr(0, n)), safe);
    if (!inserted) it->second = it->second && safe;
  });
  return out;
}

// Whether `word` (an argument, quotes removed) is the option, before a "--".
bool names_option(std::string_view word, const CommandOption& option) {
  if (word.starts_with("--")) {
    std::string_view name = word.substr(2);
    name = name.substr(0, name.find('='));
    if (name.empty()) return false;
    for (std::string_view l : option.long_options)
      if (l.starts_with(name)) return true;
    return false;
  }
  if (word.size() < 2 || word[0] != '-') return false;
  return word.substr(1).find_first_of(option.letters) != std::string_view::npos;
}

// Just past the end of the command substitution or parameter expansion whose `left` bracket
// starts `rest` ("(..." of "$(", "{..." of "${"; nested ones counted), or the end of `rest`.
size_t closing(std::string_view rest, char left, char right) {
  int depth = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == left)
      ++depth;
    else if (rest[i] == right && --depth == 0)
      return i + 1;
  }
  return rest.size();
}

// Whether the arguments after a use may pass the option: `rest`, the rest of its line;
// `dquote`, `squote`, whether the use sits inside double or single quotes; `in_backquotes`,
// inside `...` (whose closing backquote ends the command). Quoted words are arguments too
// ('-m', "-i"): quotes only decide what an expansion gives.
bool passes_option(std::string_view rest, bool dquote, bool squote, bool in_backquotes,
                   const CommandOption& option, const SafeVariables& safe) {
  rest = rest.substr(0, kMaxRest);
  size_t i = 0;
  while (i < rest.size()) {
    char c = rest[i];
    if (c == '\\' && !squote) {
      i += 2;
      continue;
    }
    if (c == '\'' && !dquote) {
      squote = !squote;
      ++i;
      continue;
    }
    if (c == '"' && !squote) {
      dquote = !dquote;
      ++i;
      continue;
    }
    if (c == '`' && !squote) {
      if (in_backquotes) return false;  // the substitution this use is in ends
      if (!dquote) return true;         // its output, split into words
      size_t end = rest.find('`', i + 1);
      i = end == std::string_view::npos ? rest.size() : end + 1;
      continue;
    }
    if (c == '$' && !squote) {
      std::string_view after = rest.substr(i + 1);
      if (after.starts_with('@') || after.starts_with('*')) return true;
      if (after.starts_with('(')) {
        if (!dquote) return true;  // split into words
        i = i + 1 + closing(after, '(', ')');
        continue;
      }
      size_t end = i + 1;
      std::string_view name;
      if (after.starts_with('{')) {
        end = i + 1 + closing(after, '{', '}');
        std::string_view inner = rest.substr(i + 2, end > i + 3 ? end - i - 3 : 0);
        if (inner.find("[@]") != std::string_view::npos ||
            inner.find("[*]") != std::string_view::npos)
          return true;
        name = inner;
      } else {
        while (end < rest.size() && identifier_char(rest[end]))
          ++end;
        name = rest.substr(i + 1, end - i - 1);
      }
      if (!dquote && !name.empty()) {
        auto it = safe.find(std::string(name));
        if (it == safe.end() || !it->second) return true;  // may split into options
      }
      i = end > i + 1 ? end : i + 1;
      continue;
    }
    if (separator(c)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < rest.size() && !separator(rest[end]) && rest[end] != '$' && rest[end] != '\\')
      ++end;
    if (end == i) ++end;  // a '$' or '\\' inside single quotes: a character of the word
    std::string_view word = rest.substr(i, end - i);
    if (word == "--" && !squote && !dquote) return false;  // operands follow
    if (names_option(word, option)) return true;
    i = end;
  }
  return false;
}

// What an occurrence of the command's name at `pos` of `line` is.
enum class Use { None, Run, Stored };

Use use_at(std::string_view line, size_t pos, size_t len, bool c_strings) {
  if (pos > 0) {
    char b = line[pos - 1];
    if (name_char(b) || b == '$' || b == '@') return Use::None;
  }
  size_t end = pos + len;
  if (end < line.size()) {
    char a = line[end];
    if (name_char(a) || a == '(' || a == '/' || a == '=') return Use::None;
  }
  if (c_strings) return Use::Run;  // a C string runs what it says, or is data
  // The argument the name is in starts after a separator: a path (/bin/sed) stays with it.
  size_t start = pos;
  while (start > 0 && line[start - 1] == '/') {
    --start;
    while (start > 0 && (name_char(line[start - 1]) || line[start - 1] == '/'))
      --start;
  }
  if (start > 0 && quote(line[start - 1])) --start;
  if (start > 0 && line[start - 1] == '=') return Use::Stored;
  return Use::Run;
}

// Where a position of a line stands, as shell reads the line from its start: inside double
// quotes, inside backquotes. Asked for positions in increasing order.
class ShellState {
 public:
  explicit ShellState(std::string_view line) : line_(line) {}
  void advance(size_t pos) {
    for (; i_ < pos && i_ < line_.size(); ++i_) {
      char c = line_[i_];
      if (s_)
        s_ = c != '\'';
      else if (c == '"')
        d_ = !d_;
      else if (c == '\'' && !d_)
        s_ = true;
      else if (c == '`')
        b_ = !b_;
      else if (c == '\\')
        ++i_;
    }
  }
  bool double_quoted() const { return d_; }
  bool single_quoted() const { return s_; }
  bool backquoted() const { return b_; }

 private:
  std::string_view line_;
  size_t i_ = 0;
  bool d_ = false, s_ = false, b_ = false;
};

// The line as the report shows it: its start, printable ASCII.
std::string shown(std::string_view line) {
  std::string out(trim_line(line.substr(0, kMaxShown)));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return out;
}

}  // namespace

std::optional<ConfigLine> command_option_used(std::string_view text, const CommandOption& option,
                                              bool c_strings) {
  std::optional<ConfigLine> out;
  const std::string_view cmd = option.command;
  if (cmd.empty() || text.find(cmd) == std::string_view::npos) return out;
  const SafeVariables safe = c_strings ? SafeVariables{} : safe_variables(text);
  each_logical_line(text, c_strings, [&](std::string_view line, size_t number) {
    std::string_view t = trim_line(line);
    if (t.starts_with('#') && !t.starts_with("#!")) return true;  // a comment runs nothing
    ShellState state(line);
    size_t budget = kLineBudget;
    for (size_t pos = line.find(cmd); pos != std::string_view::npos;
         pos = line.find(cmd, pos + 1)) {
      Use use = use_at(line, pos, cmd.size(), c_strings);
      if (use == Use::None) continue;
      state.advance(pos);
      size_t cost = std::min(line.size() - pos, kMaxRest);
      if (cost > budget) {  // more uses than can be read: one of them may pass it
        out = ConfigLine{number, shown(line)};
        return false;
      }
      budget -= cost;
      if (use == Use::Stored ||
          passes_option(line.substr(pos + cmd.size()), state.double_quoted(), state.single_quoted(),
                        state.backquoted(), option, safe)) {
        out = ConfigLine{number, shown(line)};
        return false;
      }
    }
    return true;
  });
  return out;
}

const CommandOption kMkdirContext{"mkdir", "Z", {"context"}};
const CommandOption kMkdirMode{"mkdir", "m", {"mode"}};
const CommandOption kSedInPlace{"sed", "i", {"in-place"}};

std::optional<ConfigLine> mkdir_context_on(std::string_view text) {
  return command_option_used(text, kMkdirContext);
}
std::optional<ConfigLine> mkdir_mode_on(std::string_view text) {
  return command_option_used(text, kMkdirMode);
}
std::optional<ConfigLine> sed_in_place_on(std::string_view text) {
  return command_option_used(text, kSedInPlace);
}
bool mkdir_context_in_object(std::string_view bytes, bool gated) {
  return !gated && command_option_used(bytes, kMkdirContext, true).has_value();
}
bool mkdir_mode_in_object(std::string_view bytes, bool gated) {
  return !gated && command_option_used(bytes, kMkdirMode, true).has_value();
}
bool sed_in_place_in_object(std::string_view bytes, bool gated) {
  return !gated && command_option_used(bytes, kSedInPlace, true).has_value();
}

}  // namespace imgstrip
