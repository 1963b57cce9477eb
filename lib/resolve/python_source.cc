#include "resolve/python_source.h"

#include <algorithm>
#include <map>
#include <optional>

namespace imgstrip {

namespace {

enum class PyTok : uint8_t { Name, Op, String, Number };

struct PyToken {
  PyTok type = PyTok::Op;
  std::string_view text;  // names, operators, numbers; a string's body (between quotes)
  size_t line = 0;
  bool plain = false;  // a string without f/b prefix and without escapes: text is its value
};

struct LogicalLine {
  int indent = 0;
  size_t line = 0;
  std::vector<PyToken> tokens;
};

// A logical line longer than this is cut: the statements that load modules are short, and
// a generated file of one huge expression must not hold millions of tokens.
constexpr size_t kMaxTokens = 1 << 16;
// f-strings nest (f"{f'{x}'}"); deeper than this is not real code.
constexpr int kMaxNesting = 16;

bool name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool name_char(unsigned char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

bool string_prefix(std::string_view word, bool* raw, bool* fstr, bool* bytes) {
  if (word.size() > 2) return false;
  bool r = false, f = false, b = false, u = false;
  for (char c : word) {
    switch (c | 0x20) {
      case 'r':
        if (r) return false;
        r = true;
        break;
      case 'f':
        if (f) return false;
        f = true;
        break;
      case 'b':
        if (b) return false;
        b = true;
        break;
      case 'u':
        if (u) return false;
        u = true;
        break;
      default:
        return false;
    }
  }
  if (u && word.size() > 1) return false;  // "u" only alone
  if (f && b) return false;
  *raw = r;
  *fstr = f;
  *bytes = b;
  return true;
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : s_(s) {}

  // Calls `on_line` with each logical line. Returns problems found on the way.
  template <typename F>
  void run(F&& on_line, std::vector<std::string>& problems) {
    problems_ = &problems;
    LogicalLine current;
    bool start = true;  // at the start of a physical line outside brackets
    while (pos_ < s_.size()) {
      if (start) {
        start = false;
        int indent = 0;
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\f')) {
          indent = s_[pos_] == '\t' ? (indent / 8 + 1) * 8 : s_[pos_] == ' ' ? indent + 1 : 0;
          ++pos_;
        }
        if (pos_ >= s_.size()) break;
        if (current.tokens.empty()) {
          current.indent = indent;
          current.line = line_;
        }
      }
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '\n') {
        ++pos_;
        ++line_;
        if (depth_ == 0) {
          if (!current.tokens.empty()) on_line(current);
          current.tokens.clear();
          start = true;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\v') {
        ++pos_;
        continue;
      }
      if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n')
          ++pos_;
        continue;
      }
      if (c == '\\') {  // a continuation line (anything else after it is an error: skip)
        ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '\r') ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '\n') {
          ++pos_;
          ++line_;
        }
        continue;
      }
      PyToken t;
      t.line = line_;
      if (name_start(c)) {
        size_t b = pos_;
        while (pos_ < s_.size() && name_char(static_cast<unsigned char>(s_[pos_])))
          ++pos_;
        std::string_view word = s_.substr(b, pos_ - b);
        bool raw = false, fstr = false, bytes = false;
        if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'') &&
            string_prefix(word, &raw, &fstr, &bytes)) {
          t = string_token(raw, fstr, bytes);
        } else {
          t.type = PyTok::Name;
          t.text = word;
        }
      } else if (c == '"' || c == '\'') {
        t = string_token(false, false, false);
      } else if ((c >= '0' && c <= '9') ||
                 (c == '.' && pos_ + 1 < s_.size() && s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '9')) {
        size_t b = pos_;
        while (pos_ < s_.size() &&
               (name_char(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                ((s_[pos_] == '+' || s_[pos_] == '-') &&
                 (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E'))))
          ++pos_;
        t.type = PyTok::Number;
        t.text = s_.substr(b, pos_ - b);
      } else {
        if (c == '(' || c == '[' || c == '{') ++depth_;
        if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
        t.type = PyTok::Op;
        t.text = s_.substr(pos_, 1);
        ++pos_;
      }
      if (current.tokens.size() < kMaxTokens) {
        current.tokens.push_back(t);
      } else if (!cut_reported_) {
        cut_reported_ = true;
        problems.push_back("line " + std::to_string(current.line) +
                           ": logical line too long, read in part");
      }
    }
    if (depth_ > 0) problems.push_back("unclosed bracket at end of file");
    if (!current.tokens.empty()) on_line(current);
  }

 private:
  // At the opening quote of a string.
  PyToken string_token(bool raw, bool fstr, bool bytes) {
    PyToken t;
    t.type = PyTok::String;
    t.line = line_;
    char q = s_[pos_];
    bool triple = pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q;
    pos_ += triple ? 3 : 1;
    size_t body = pos_;
    bool escapes = false;
    size_t end = scan_string(q, triple, fstr, 0, &escapes);
    t.text = s_.substr(body, end - body);
    t.plain = !fstr && !bytes && (raw || !escapes);
    return t;
  }

  // From just after the opening quote(s) to just after the closing ones; returns where the
  // body ends.
  size_t scan_string(char q, bool triple, bool fstr, int nesting, bool* escapes) {
    size_t start_line = line_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\\') {
        *escapes = true;
        ++pos_;
        if (pos_ < s_.size()) {
          if (s_[pos_] == '\n') ++line_;
          ++pos_;
        }
        continue;
      }
      if (c == '\n') {
        if (!triple) {
          unterminated(start_line);
          return pos_;  // the newline ends the logical line as usual
        }
        ++line_;
        ++pos_;
        continue;
      }
      if (fstr && c == '{') {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
          pos_ += 2;
          continue;
        }
        ++pos_;
        if (!scan_replacement(q, triple, nesting)) {
          return pos_;
        }
        continue;
      }
      if (c == q) {
        if (!triple) {
          return pos_++;
        }
        if (pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q) {
          size_t end = pos_;
          pos_ += 3;
          return end;
        }
      }
      ++pos_;
    }
    unterminated(start_line);
    return pos_;
  }

  // The expression of an f-string's {...}, after the '{', up to and past its '}'. Strings
  // inside are scanned as strings (Python 3.12 lets them reuse the outer quote). Returns
  // false when the outer string ends (or the line, for a single-quoted one) first.
  bool scan_replacement(char q, bool triple, int nesting) {
    int depth = 0;
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '\n') {
        if (!triple) return false;
        ++line_;
        ++pos_;
        continue;
      }
      if (c == '\\') {
        pos_ = std::min(pos_ + 2, s_.size());
        continue;
      }
      if (name_start(c)) {  // a name, or the prefix of a nested string
        size_t b = pos_;
        while (pos_ < s_.size() && name_char(static_cast<unsigned char>(s_[pos_])))
          ++pos_;
        bool raw = false, fstr = false, bytes = false;
        if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'') &&
            string_prefix(s_.substr(b, pos_ - b), &raw, &fstr, &bytes)) {
          if (!nested_string(fstr, q, triple, nesting)) return false;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        if (!nested_string(false, q, triple, nesting)) return false;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']') depth = std::max(0, depth - 1);
      if (c == '}') {
        if (depth == 0) {
          ++pos_;
          return true;
        }
        --depth;
      }
      if (c == ':' && depth == 0) {  // the format spec: text with nested {...}
        ++pos_;
        while (pos_ < s_.size()) {
          char d = s_[pos_];
          if (d == '}') {
            ++pos_;
            return true;
          }
          if (d == q || (d == '\n' && !triple)) return false;
          if (d == '\n') ++line_;
          ++pos_;
          if (d == '{' && (nesting >= kMaxNesting || !scan_replacement(q, triple, nesting + 1)))
            return false;
        }
        return false;
      }
      ++pos_;
    }
    return false;
  }

  // A string inside an f-string's expression, at its quote.
  bool nested_string(bool fstr, char outer, bool outer_triple, int nesting) {
    char q = s_[pos_];
    if (nesting >= kMaxNesting) return false;
    // Before 3.12 the outer quote ends the outer string; valid code never has it here, so
    // reading it as a nested string (3.12) is right for both.
    (void)outer;
    bool triple = pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q;
    pos_ += triple ? 3 : 1;
    bool escapes = false;
    size_t before = problems_->size();
    scan_string(q, triple, fstr, nesting + 1, &escapes);
    if (problems_->size() != before) return false;
    (void)outer_triple;
    return true;
  }

  void unterminated(size_t line) {
    if (unterminated_ < 8) {
      problems_->push_back("line " + std::to_string(line) + ": unterminated string");
    }
    ++unterminated_;
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t line_ = 1;
  int depth_ = 0;
  int unterminated_ = 0;
  bool cut_reported_ = false;
  std::vector<std::string>* problems_ = nullptr;
};

bool is(const PyToken& t, std::string_view text) {
  return t.type != PyTok::String && t.text == text;
}
bool is_name(const PyToken& t) {
  return t.type == PyTok::Name;
}

// A module name in a constant string: dotted identifiers, maybe with leading dots.
bool module_string(std::string_view s, bool colon) {
  if (s.empty() || s.size() > 512) return false;
  for (char c : s) {
    if (c != '.' && !(colon && c == ':') && !name_char(static_cast<unsigned char>(c))) return false;
  }
  return s.back() != '.' || std::all_of(s.begin(), s.end(), [](char c) { return c == '.'; });
}

const std::map<std::string_view, std::string_view>& dynamic_calls() {
  // Calls that import what their argument names, when it is not a constant.
  static const std::map<std::string_view, std::string_view> calls = {
      {"__import__", "__import__"},
      {"import_module", "importlib.import_module"},
      {"import_string", "import_string"},
      {"iter_entry_points", "pkg_resources.iter_entry_points"},
      {"load_entry_point", "pkg_resources.load_entry_point"},
      {"entry_points", "importlib.metadata.entry_points"},
      {"iter_modules", "pkgutil.iter_modules"},
      {"walk_packages", "pkgutil.walk_packages"},
  };
  return calls;
}

struct Block {
  // Guard: a handler of ImportError. Dead: never runs on Linux (`if TYPE_CHECKING:`,
  // `if sys.platform == "win32":`). Main: `if __name__ == "__main__":`.
  enum Kind { Try, Guard, Dead, Main, Other } kind = Other;
  int indent = 0;
  int try_id = -1;
};

enum class Truth { False, True, Unknown, Main };

// The string value of a plain string token.
std::optional<std::string_view> string_value(const PyToken& t) {
  if (t.type != PyTok::String || !t.plain) return std::nullopt;
  return t.text;
}

// One operand of an if condition: what is known of it on Linux without running anything.
Truth atom(const std::vector<PyToken>& t, size_t b, size_t e) {
  bool negate = false;
  if (b < e && is(t[b], "not")) {
    negate = true;
    ++b;
  }
  auto result = [&](bool v) { return (v != negate) ? Truth::True : Truth::False; };
  size_t n = e - b;
  auto at = [&](size_t i) -> const PyToken& { return t[b + i]; };
  auto name_is = [&](size_t i, std::initializer_list<std::string_view> names) {
    return i < n && at(i).type == PyTok::Name &&
           std::find(names.begin(), names.end(), at(i).text) != names.end();
  };
  // TYPE_CHECKING, typing.TYPE_CHECKING, t.TYPE_CHECKING
  if ((n == 1 && is(at(0), "TYPE_CHECKING")) ||
      (n == 3 && is_name(at(0)) && is(at(1), ".") && is(at(2), "TYPE_CHECKING")))
    return result(false);
  // __name__ == "__main__"
  if (n == 4 && !negate && is(at(0), "__name__") && is(at(1), "=") && is(at(2), "=") &&
      string_value(at(3)) == "__main__")
    return Truth::Main;
  // sys.platform / os.name compared, sys.platform.startswith(...)
  bool platform = name_is(0, {"sys", "_sys"}) && n > 2 && is(at(1), ".") && is(at(2), "platform");
  bool osname = name_is(0, {"os", "_os"}) && n > 2 && is(at(1), ".") && is(at(2), "name");
  if (!platform && !osname) return Truth::Unknown;
  std::string_view actual = platform ? "linux" : "posix";
  if (n == 6 && (is(at(3), "=") || is(at(3), "!")) && is(at(4), "=") && string_value(at(5))) {
    bool equal = *string_value(at(5)) == actual;
    return result(is(at(3), "=") ? equal : !equal);
  }
  // .startswith("win") / .startswith(("win", "cygwin")); `in (...)`, `not in (...)`
  bool starts = platform && n >= 7 && is(at(3), ".") && is(at(4), "startswith") && is(at(5), "(");
  size_t list = starts ? 6 : 0;
  bool not_in = false;
  if (n >= 5 && is(at(3), "in") && is(at(4), "(")) {
    list = 5;
  } else if (n >= 6 && is(at(3), "not") && is(at(4), "in") && is(at(5), "(")) {
    not_in = true;
    list = 6;
  }
  if (list == 0) return Truth::Unknown;
  bool any = false;
  for (size_t i = list; i < n; ++i) {
    if (is(at(i), "(") || is(at(i), ")") || is(at(i), ",")) continue;
    auto v = string_value(at(i));
    if (!v) return Truth::Unknown;
    any = any || (starts ? actual.starts_with(*v) : actual == *v);
  }
  return result(not_in ? !any : any);
}

// An if condition: `or` of `and`s of atoms, with what is unknown left unknown.
Truth condition(const std::vector<PyToken>& t, size_t b, size_t e) {
  std::vector<std::vector<std::pair<size_t, size_t>>> terms(1);
  size_t start = b;
  int d = 0;
  for (size_t i = b; i <= e; ++i) {
    if (i < e && t[i].type == PyTok::Op) {
      char c = t[i].text[0];
      if (c == '(' || c == '[' || c == '{') ++d;
      if ((c == ')' || c == ']' || c == '}') && d > 0) --d;
    }
    bool cut = i == e || (d == 0 && (is(t[i], "and") || is(t[i], "or")));
    if (!cut) continue;
    terms.back().push_back({start, i});
    if (i < e && is(t[i], "or")) terms.emplace_back();
    start = i + 1;
  }
  Truth any = Truth::False;
  for (auto& conj : terms) {
    Truth all = Truth::True;
    for (auto [x, y] : conj) {
      Truth a = atom(t, x, y);
      if (a == Truth::Main)
        a = conj.size() == 1 && terms.size() == 1 ? Truth::Main : Truth::Unknown;
      if (a == Truth::Main) return Truth::Main;
      if (a == Truth::False) {
        all = Truth::False;
        break;
      }
      if (a == Truth::Unknown) all = Truth::Unknown;
    }
    if (all == Truth::True) return Truth::True;
    if (all == Truth::Unknown) any = Truth::Unknown;
  }
  return any;
}

class Parser {
 public:
  explicit Parser(PythonSource& out) : out_(out) {}

  void line(const LogicalLine& l) {
    while (!blocks_.empty() && blocks_.back().indent >= l.indent) {
      if (blocks_.back().kind == Block::Try)
        last_try_[blocks_.back().indent] = blocks_.back().try_id;
      blocks_.pop_back();
    }
    last_try_.erase(last_try_.upper_bound(l.indent), last_try_.end());
    // An if/elif/else chain goes on only with elif or else at its indent.
    chains_.erase(chains_.upper_bound(l.indent), chains_.end());
    if (l.tokens.empty() || !(is(l.tokens[0], "elif") || is(l.tokens[0], "else")))
      chains_.erase(l.indent);
    // Split at ';' outside brackets.
    size_t b = 0;
    int d = 0;
    for (size_t i = 0; i <= l.tokens.size(); ++i) {
      if (i < l.tokens.size()) {
        const PyToken& t = l.tokens[i];
        if (t.type == PyTok::Op) {
          char c = t.text[0];
          if (c == '(' || c == '[' || c == '{') ++d;
          if ((c == ')' || c == ']' || c == '}') && d > 0) --d;
        }
        if (!(d == 0 && is(t, ";"))) continue;
      }
      if (i > b) statement(l.tokens, b, i, l.indent);
      b = i + 1;
    }
    calls(l.tokens);
  }

  void finish() {
    for (size_t i = 0; i < out_.imports.size(); ++i) {
      for (int id : try_ids_[i]) {
        if (guarded_[static_cast<size_t>(id)]) out_.imports[i].optional = true;
      }
    }
  }

 private:
  void statement(const std::vector<PyToken>& t, size_t b, size_t e, int indent) {
    if (b >= e) return;
    const PyToken& first = t[b];
    if (first.type != PyTok::Name) return;
    std::string_view kw = first.text;
    if (kw == "import") {
      import(t, b + 1, e);
      return;
    }
    if (kw == "from") {
      from(t, b + 1, e);
      return;
    }
    // A compound statement's header opens a block; what follows its ':' on the same line
    // is the first statement of the block.
    static const std::string_view headers[] = {"if",    "elif", "else", "try", "except", "finally",
                                               "while", "for",  "with", "def", "class",  "async"};
    bool header = std::find(std::begin(headers), std::end(headers), kw) != std::end(headers);
    size_t colon = e;
    int d = 0;
    for (size_t i = b; i < e; ++i) {
      if (t[i].type != PyTok::Op) continue;
      char c = t[i].text[0];
      if (c == '(' || c == '[' || c == '{') ++d;
      if ((c == ')' || c == ']' || c == '}') && d > 0) --d;
      if (c == ':' && d == 0) {
        colon = i;
        break;
      }
    }
    if (header) {
      Block block;
      block.indent = indent;
      if (kw == "try") {
        block.kind = Block::Try;
        block.try_id = static_cast<int>(guarded_.size());
        guarded_.push_back(false);
      } else if (kw == "except") {
        bool catches = catches_import_error(t, b + 1, colon);
        auto it = last_try_.find(indent);
        if (catches && it != last_try_.end()) guarded_[static_cast<size_t>(it->second)] = true;
        if (catches) block.kind = Block::Guard;
      } else if (kw == "if" || kw == "elif" || kw == "else") {
        // A branch never taken on Linux, or taken after one that always is, is dead.
        auto chain = chains_.find(indent);
        bool taken = kw != "if" && chain != chains_.end() && chain->second;
        Truth truth = kw == "else" ? Truth::Unknown : condition(t, b + 1, colon);
        if (kw == "else" && chain == chains_.end()) truth = Truth::Unknown;  // for/while/try
        if (taken || truth == Truth::False) block.kind = Block::Dead;
        if (!taken && truth == Truth::Main) block.kind = Block::Main;
        if (kw != "else") chains_[indent] = taken || truth == Truth::True;
      }
      blocks_.push_back(block);
    }
    if (colon + 1 < e) statement(t, colon + 1, e, indent);
  }

  static bool catches_import_error(const std::vector<PyToken>& t, size_t b, size_t e) {
    if (b < e && is(t[b], "*")) ++b;  // except*
    if (b >= e) return true;          // bare except
    for (size_t i = b; i < e; ++i) {
      if (is(t[i], "as")) break;
      if (is(t[i], "ImportError") || is(t[i], "ModuleNotFoundError") || is(t[i], "Exception") ||
          is(t[i], "BaseException"))
        return true;
    }
    return false;
  }

  // A dotted name at t[i]; advances i. Empty when there is none.
  static std::string dotted(const std::vector<PyToken>& t, size_t& i, size_t e) {
    std::string name;
    while (i < e && is_name(t[i]) && !is(t[i], "import")) {
      name += t[i].text;
      ++i;
      if (i + 1 < e && is(t[i], ".") && is_name(t[i + 1])) {
        name += '.';
        ++i;
      } else {
        break;
      }
    }
    return name;
  }

  static std::string text_of(const std::vector<PyToken>& t, size_t b, size_t e) {
    std::string s;
    for (size_t i = b; i < e && s.size() < 200; ++i) {
      if (!s.empty() && !(is(t[i], ".") || is(t[i], ",") || is(t[i], ")") ||
                          (i > 0 && (is(t[i - 1], ".") || is(t[i - 1], "(")))))
        s += ' ';
      if (t[i].type == PyTok::String) {
        s += "'" + std::string(t[i].text.substr(0, 40)) + "'";
      } else {
        s += t[i].text;
      }
    }
    return s;
  }

  void import(const std::vector<PyToken>& t, size_t i, size_t e) {
    size_t begin = i - 1;
    while (i < e) {
      if (is(t[i], "(") || is(t[i], ")") || is(t[i], ",")) {
        ++i;
        continue;
      }
      std::string name = dotted(t, i, e);
      if (name.empty()) break;  // malformed: stop here
      PythonImport imp;
      imp.module = std::move(name);
      imp.line = t[begin].line;
      imp.statement = "import " + imp.module;
      add(std::move(imp));
      if (i + 1 < e && is(t[i], "as") && is_name(t[i + 1])) i += 2;
      if (i < e && !is(t[i], ",") && !is(t[i], ")")) break;
    }
  }

  void from(const std::vector<PyToken>& t, size_t i, size_t e) {
    size_t begin = i - 1;
    PythonImport imp;
    imp.line = t[begin].line;
    while (i < e && is(t[i], ".")) {
      ++imp.level;
      ++i;
    }
    imp.module = dotted(t, i, e);
    if (i >= e || !is(t[i], "import")) return;  // `yield from x`, `raise X from Y`: not imports
    if (imp.level == 0 && imp.module.empty()) return;
    if (imp.level == 0 && imp.module == "__future__") return;
    ++i;
    while (i < e) {
      if (is(t[i], "(") || is(t[i], ")") || is(t[i], ",")) {
        ++i;
        continue;
      }
      if (is(t[i], "*")) {
        imp.names.push_back("*");
        ++i;
        continue;
      }
      if (!is_name(t[i])) break;
      imp.names.push_back(std::string(t[i].text));
      ++i;
      if (i + 1 < e && is(t[i], "as") && is_name(t[i + 1])) i += 2;
    }
    imp.statement = "from " + std::string(static_cast<size_t>(imp.level), '.') + imp.module +
                    " import " + (imp.names.size() == 1 ? imp.names[0] : "...");
    add(std::move(imp));
  }

  // Calls anywhere in the line: __import__("x"), importlib.import_module(name)...
  void calls(const std::vector<PyToken>& t) {
    const auto& known = dynamic_calls();
    for (size_t i = 0; i + 1 < t.size(); ++i) {
      if (!is_name(t[i]) || !is(t[i + 1], "(")) continue;
      auto it = known.find(t[i].text);
      if (it == known.end()) continue;
      if (i > 0 && (is(t[i - 1], "def") || is(t[i - 1], "class"))) continue;  // a definition
      std::string_view name = t[i].text;
      // entry_points / iter_modules are also common method names: a call on anything but
      // importlib.metadata or pkgutil is not theirs.
      if ((name == "entry_points" || name == "iter_modules" || name == "walk_packages") && i > 1 &&
          is(t[i - 1], ".") &&
          !(is(t[i - 2], "metadata") || is(t[i - 2], "importlib_metadata") ||
            is(t[i - 2], "pkgutil")))
        continue;
      bool constant = i + 3 < t.size() && t[i + 2].type == PyTok::String && t[i + 2].plain &&
                      (is(t[i + 3], ")") || is(t[i + 3], ",")) &&
                      module_string(t[i + 2].text, name == "import_string");
      bool importing = name == "__import__" || name == "import_module" || name == "import_string";
      if (constant && importing) {
        std::string value(t[i + 2].text);
        PythonImport imp;
        imp.line = t[i].line;
        imp.statement = std::string(name) + "('" + value + "')";
        if (name == "import_string") {  // "pkg.mod:attr" or "pkg.mod.attr"
          size_t colon = value.find(':');
          if (colon != std::string::npos) {
            value = value.substr(0, colon);
          } else if (value.rfind('.') != std::string::npos && value.rfind('.') > 0) {
            imp.names.push_back(value.substr(value.rfind('.') + 1));
            value = value.substr(0, value.rfind('.'));
          }
        }
        while (!value.empty() && value[0] == '.' && name == "import_module") {
          ++imp.level;
          value.erase(0, 1);
        }
        if (value.empty() && imp.level == 0) continue;
        imp.module = value;
        add(std::move(imp));
        continue;
      }
      if (!dead()) out_.dynamic.push_back({std::string(it->second), t[i].line, main_only()});
    }
  }

  bool dead() const {
    return std::any_of(blocks_.begin(), blocks_.end(),
                       [](const Block& b) { return b.kind == Block::Dead; });
  }
  bool main_only() const {
    return std::any_of(blocks_.begin(), blocks_.end(),
                       [](const Block& b) { return b.kind == Block::Main; });
  }

  void add(PythonImport imp) {
    if (dead()) return;
    imp.main_only = main_only();
    std::vector<int> ids;
    for (auto& b : blocks_) {
      if (b.kind == Block::Guard) imp.optional = true;
      if (b.kind == Block::Try) ids.push_back(b.try_id);
    }
    out_.imports.push_back(std::move(imp));
    try_ids_.push_back(std::move(ids));
  }

  PythonSource& out_;
  std::vector<Block> blocks_;
  std::map<int, int> last_try_;  // indent -> the try block that just ended there
  // indent -> the if/elif chain there: whether one of its branches always runs
  std::map<int, bool> chains_;
  std::vector<bool> guarded_;              // by try id: a handler catches ImportError
  std::vector<std::vector<int>> try_ids_;  // by import: the try blocks around it
};

}  // namespace

PythonSource parse_python_source(std::string_view source) {
  PythonSource out;
  if (source.size() >= 3 && source.substr(0, 3) == "\xEF\xBB\xBF") source.remove_prefix(3);
  Parser parser(out);
  Tokenizer tokenizer(source);
  tokenizer.run([&](const LogicalLine& l) { parser.line(l); }, out.problems);
  parser.finish();
  return out;
}

}  // namespace imgstrip
