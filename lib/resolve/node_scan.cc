#include "resolve/node_scan.h"

#include <deque>
#include <set>

#include "core/text.h"

namespace imgstrip {
namespace {

enum class Tok {
  Ident,
  String,    // '...' or "...": `value` is the cooked text
  Template,  // `...` without substitutions: `value` is the cooked text
  Dynamic,   // a part of a template literal with ${...}
  Punct,     // one character, or "..." / "?." / "++" / "--"
  Number,
  Other,  // regular expressions
  End,
};

struct Token {
  Tok type = Tok::End;
  std::string_view text;  // identifiers and punctuators
  std::string value;      // strings
  size_t line = 0;
};

bool ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '#' ||
         c == '\\' || c >= 0x80;
}
bool ident_part(unsigned char c) {
  return ident_start(c) || (c >= '0' && c <= '9');
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

// Words after which a '/' starts a regular expression rather than a division.
bool keyword_before_expression(std::string_view w) {
  static const std::set<std::string_view> kWords = {
      "return", "typeof", "instanceof", "in",   "of",    "new",   "delete", "void",
      "throw",  "case",   "do",         "else", "yield", "await", "extends"};
  return kWords.count(w) != 0;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {
    if (s_.starts_with("#!")) skip_line();
  }

  Token next() {
    skip_space_and_comments();
    Token t;
    t.line = line_;
    if (pos_ >= s_.size()) return t;
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c == '\'' || c == '"') {
      t.type = Tok::String;
      t.value = string_literal(static_cast<char>(c));
    } else if (c == '`') {
      ++pos_;
      template_part(t);
    } else if (c == '}' && !templates_.empty() && templates_.back() == depth_) {
      templates_.pop_back();
      ++pos_;
      template_part(t);
      t.type = Tok::Dynamic;
    } else if (ident_start(c)) {
      size_t start = pos_;
      while (pos_ < s_.size() && ident_part(static_cast<unsigned char>(s_[pos_])))
        ++pos_;
      t.type = Tok::Ident;
      t.text = s_.substr(start, pos_ - start);
    } else if (digit(static_cast<char>(c)) ||
               (c == '.' && pos_ + 1 < s_.size() && digit(s_[pos_ + 1]))) {
      size_t start = pos_;
      while (pos_ < s_.size() &&
             (ident_part(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.'))
        ++pos_;
      t.type = Tok::Number;
      t.text = s_.substr(start, pos_ - start);
    } else if (c == '/' && regex_allowed()) {
      regex_literal();
      t.type = Tok::Other;
    } else {
      t.type = Tok::Punct;
      size_t len = 1;
      if (s_.substr(pos_).starts_with("...")) len = 3;
      if (s_.substr(pos_).starts_with("?.") && !(pos_ + 2 < s_.size() && digit(s_[pos_ + 2])))
        len = 2;
      if (s_.substr(pos_).starts_with("++") || s_.substr(pos_).starts_with("--")) len = 2;
      t.text = s_.substr(pos_, len);
      pos_ += len;
      if (c == '{') ++depth_;
      if (c == '}' && depth_ > 0) --depth_;
      if ((c == '(' || c == '[') && depth_ < SIZE_MAX) ++depth_;
      if ((c == ')' || c == ']') && depth_ > 0) --depth_;
    }
    last_ = t.type;
    last_text_ = t.text;
    return t;
  }

 private:
  void skip_line() {
    while (pos_ < s_.size() && s_[pos_] != '\n')
      ++pos_;
  }

  void skip_space_and_comments() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        skip_line();
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*') {
        size_t end = s_.find("*/", pos_ + 2);
        size_t stop = end == std::string_view::npos ? s_.size() : end + 2;
        for (size_t i = pos_; i < stop; ++i)
          if (s_[i] == '\n') ++line_;
        pos_ = stop;
      } else if (s_.substr(pos_).starts_with("<!--")) {
        skip_line();
      } else {
        return;
      }
    }
  }

  // After an identifier, a literal or a closing ')' / ']', a '/' divides; elsewhere it
  // starts a regular expression. ('}' is taken as the end of a block.)
  bool regex_allowed() const {
    switch (last_) {
      case Tok::End:
        return true;
      case Tok::Ident:
        return keyword_before_expression(last_text_);
      case Tok::String:
      case Tok::Template:
      case Tok::Dynamic:
      case Tok::Number:
      case Tok::Other:
        return false;
      case Tok::Punct:
        return last_text_ != ")" && last_text_ != "]" && last_text_ != "++" && last_text_ != "--";
    }
    return true;
  }

  // Cooks escapes; ends at the closing quote or, unterminated, at the end of the line.
  std::string string_literal(char quote) {
    ++pos_;
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        return out;
      }
      if (c == '\n') return out;  // unterminated: recover at the line's end
      if (c == '\\') {
        escape(out);
        continue;
      }
      out += c;
      ++pos_;
    }
    return out;
  }

  // At a backslash: appends what the escape stands for and moves past it.
  void escape(std::string& out) {
    ++pos_;
    if (pos_ >= s_.size()) return;
    char e = s_[pos_++];
    switch (e) {
      case 'n':
        out += '\n';
        return;
      case 't':
        out += '\t';
        return;
      case 'r':
        out += '\r';
        return;
      case '\r':
        if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
        ++line_;
        return;
      case '\n':
        ++line_;
        return;
      case 'x': {
        if (pos_ + 2 <= s_.size() && hex_value(s_[pos_]) >= 0 && hex_value(s_[pos_ + 1]) >= 0) {
          append_utf8(out,
                      static_cast<uint32_t>(hex_value(s_[pos_]) * 16 + hex_value(s_[pos_ + 1])));
          pos_ += 2;
        }
        return;
      }
      case 'u': {
        uint32_t cp = 0;
        if (pos_ < s_.size() && s_[pos_] == '{') {
          size_t i = pos_ + 1;
          while (i < s_.size() && i < pos_ + 9 && hex_value(s_[i]) >= 0)
            cp = cp * 16 + static_cast<uint32_t>(hex_value(s_[i++]));
          if (i < s_.size() && s_[i] == '}') ++i;
          pos_ = i;
        } else {
          size_t i = pos_;
          while (i < s_.size() && i < pos_ + 4 && hex_value(s_[i]) >= 0)
            cp = cp * 16 + static_cast<uint32_t>(hex_value(s_[i++]));
          pos_ = i;
        }
        append_utf8(out, cp);
        return;
      }
      default:
        out += e;
        return;
    }
  }

  // After a '`' or the '}' closing a substitution: reads up to the closing '`' (the token
  // is a Template when it has no substitution) or up to a "${" (a Dynamic token; the
  // substitution is then lexed as code until its '}').
  void template_part(Token& t) {
    t.type = Tok::Template;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '`') {
        ++pos_;
        return;
      }
      if (c == '\\') {
        escape(t.value);
        continue;
      }
      if (c == '$' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
        pos_ += 2;
        templates_.push_back(depth_);
        t.type = Tok::Dynamic;
        return;
      }
      if (c == '\n') ++line_;
      t.value += c;
      ++pos_;
    }
  }

  void regex_literal() {
    ++pos_;
    bool in_class = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') return;  // not a regular expression after all: recover here
      ++pos_;
      if (c == '\\') {
        if (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '[') {
        in_class = true;
      } else if (c == ']') {
        in_class = false;
      } else if (c == '/' && !in_class) {
        break;
      }
    }
    while (pos_ < s_.size() && ident_part(static_cast<unsigned char>(s_[pos_])))
      ++pos_;  // flags
  }

  std::string_view s_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t depth_ = 0;               // open brackets of any kind
  std::vector<size_t> templates_;  // depth_ at each open ${
  Tok last_ = Tok::End;
  std::string_view last_text_;
};

// Tokens with lookahead: at(0) is the current one.
class Tokens {
 public:
  explicit Tokens(std::string_view s) : lexer_(s) {}

  const Token& at(size_t i) {
    while (buffer_.size() <= i) {
      if (!buffer_.empty() && buffer_.back().type == Tok::End) return buffer_.back();
      buffer_.push_back(lexer_.next());
    }
    return buffer_[i];
  }
  void pop() {
    at(0);
    if (buffer_.front().type != Tok::End) buffer_.pop_front();
  }

 private:
  Lexer lexer_;
  std::deque<Token> buffer_;
};

bool is(const Token& t, std::string_view text) {
  return (t.type == Tok::Punct || t.type == Tok::Ident) && t.text == text;
}
bool constant_string(const Token& t) {
  return t.type == Tok::String || t.type == Tok::Template;
}

// Lookahead bound for import/export clauses: `import {a, b, ...} from` lists are short.
constexpr size_t kClauseTokens = 4096;

// At the '{' at index i: the index after its matching '}', or 0.
size_t skip_braces(Tokens& tokens, size_t i) {
  int depth = 0;
  for (; i < kClauseTokens; ++i) {
    const Token& t = tokens.at(i);
    if (t.type == Tok::End) return 0;
    if (is(t, "{")) ++depth;
    if (is(t, "}") && --depth == 0) return i + 1;
  }
  return 0;
}

// `from 'x'` at index i: the specifier's index, or 0.
size_t from_clause(Tokens& tokens, size_t i) {
  if (is(tokens.at(i), "from") && constant_string(tokens.at(i + 1))) return i + 1;
  return 0;
}

// After `import` (index 0): the index of the specifier of `import CLAUSE from 'x'`, or 0.
size_t import_clause(Tokens& tokens) {
  size_t i = 1;
  if ((is(tokens.at(i), "type") || is(tokens.at(i), "typeof")) && !is(tokens.at(i + 1), "from") &&
      !is(tokens.at(i + 1), ",")) {
    ++i;  // TypeScript / Flow: import type {A} from 'x'
  }
  bool bound = false;
  while (i < kClauseTokens) {
    const Token& t = tokens.at(i);
    if (bound && is(t, "from")) return from_clause(tokens, i);
    if (is(t, "{")) {
      i = skip_braces(tokens, i);
      if (i == 0) return 0;
      bound = true;
    } else if (is(t, "*") && is(tokens.at(i + 1), "as") && tokens.at(i + 2).type == Tok::Ident) {
      i += 3;
      bound = true;
    } else if (t.type == Tok::Ident && !bound) {
      ++i;
      bound = true;
    } else if (is(t, ",") && bound) {
      ++i;
      bound = false;
    } else {
      return 0;
    }
  }
  return 0;
}

// After `export` (index 0): the index of the specifier of `export ... from 'x'`, or 0.
size_t export_clause(Tokens& tokens) {
  size_t i = 1;
  if (is(tokens.at(i), "type")) ++i;
  if (is(tokens.at(i), "*")) {
    ++i;
    if (is(tokens.at(i), "as")) i += 2;
    return from_clause(tokens, i);
  }
  if (is(tokens.at(i), "{")) {
    i = skip_braces(tokens, i);
    return i == 0 ? 0 : from_clause(tokens, i);
  }
  return 0;
}

}  // namespace

std::string_view js_import_kind_name(JsImportKind kind) {
  switch (kind) {
    case JsImportKind::Require:
      return "require";
    case JsImportKind::RequireResolve:
      return "require.resolve";
    case JsImportKind::Import:
      return "import";
    case JsImportKind::Export:
      return "export from";
    case JsImportKind::DynamicImport:
      return "import()";
  }
  return "require";
}

std::vector<JsImport> js_imports(std::string_view source) {
  std::vector<JsImport> out;
  Tokens tokens(source);
  Token prev, prev2;  // the tokens before the current one (type and text only)
  auto add = [&](JsImportKind kind, const Token& spec, size_t line) {
    JsImport imp;
    imp.kind = kind;
    imp.line = line;
    if (constant_string(spec)) {
      imp.specifier = spec.value;
    } else {
      imp.constant = false;
    }
    out.push_back(std::move(imp));
  };
  while (tokens.at(0).type != Tok::End) {
    const Token& t = tokens.at(0);
    size_t line = t.line;
    bool member = is(prev, ".") || is(prev, "?.");
    if (t.type == Tok::Ident && t.text == "require" &&
        (!member || (is(prev2, "module") && is(prev, "."))) && !is(prev, "function")) {
      if (is(tokens.at(1), "(") && tokens.at(2).type == Tok::Number && is(tokens.at(3), ")")) {
        // require(4): a bundle's own module table (browserify, webpack), not Node's
      } else if (is(tokens.at(1), "(")) {
        const Token& arg = tokens.at(2);
        if (constant_string(arg) && (is(tokens.at(3), ")") || is(tokens.at(3), ","))) {
          add(JsImportKind::Require, arg, line);
        } else if (!is(arg, ")") && arg.type != Tok::End) {
          add(JsImportKind::Require, Token{}, line);
        }
      } else if (is(tokens.at(1), ".") && is(tokens.at(2), "resolve") && is(tokens.at(3), "(")) {
        const Token& arg = tokens.at(4);
        if (constant_string(arg) && (is(tokens.at(5), ")") || is(tokens.at(5), ","))) {
          add(JsImportKind::RequireResolve, arg, line);
        } else if (!is(arg, ")") && arg.type != Tok::End) {
          add(JsImportKind::RequireResolve, Token{}, line);
        }
      }
    } else if (t.type == Tok::Ident && t.text == "import" && !member) {
      const Token& n = tokens.at(1);
      if (is(n, "(")) {
        const Token& arg = tokens.at(2);
        if (constant_string(arg) && (is(tokens.at(3), ")") || is(tokens.at(3), ","))) {
          add(JsImportKind::DynamicImport, arg, line);
        } else if (!is(arg, ")") && arg.type != Tok::End) {
          add(JsImportKind::DynamicImport, Token{}, line);
        }
      } else if (n.type == Tok::String) {
        add(JsImportKind::Import, n, line);
      } else if (size_t i = import_clause(tokens); i != 0) {
        add(JsImportKind::Import, tokens.at(i), line);
      }
    } else if (t.type == Tok::Ident && t.text == "export" && !member) {
      if (size_t i = export_clause(tokens); i != 0) add(JsImportKind::Export, tokens.at(i), line);
    }
    prev2 = prev;
    prev.type = tokens.at(0).type;
    prev.text = tokens.at(0).text;
    tokens.pop();
  }
  return out;
}

}  // namespace imgstrip
