#include "resolve/postgres_conf.h"

#include <cctype>

#include "core/text.h"

namespace imgstrip {
namespace {

bool setting_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
}

void skip_blanks(std::string_view line, size_t& i) {
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
    ++i;
}

// The value at `i`: a quoted string (with '' and backslash escapes) or a bare word.
// nullopt for an unterminated quote.
std::optional<std::string> read_value(std::string_view line, size_t& i) {
  std::string value;
  if (i < line.size() && line[i] == '\'') {
    for (++i; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        value += line[++i];
      } else if (line[i] == '\'') {
        if (i + 1 < line.size() && line[i + 1] == '\'') {
          value += '\'';
          ++i;
        } else {
          ++i;
          return value;
        }
      } else {
        value += line[i];
      }
    }
    return std::nullopt;
  }
  while (i < line.size() && line[i] != '#' && line[i] != ' ' && line[i] != '\t' &&
         line[i] != '\r') {
    value += line[i++];
  }
  return value;
}

// The setting on one line, if it holds one.
std::optional<PostgresSetting> setting_of(std::string_view line, size_t number) {
  size_t i = 0;
  skip_blanks(line, i);
  size_t start = i;
  while (i < line.size() && setting_char(line[i]))
    ++i;
  if (i == start || std::isalpha(static_cast<unsigned char>(line[start])) == 0) return std::nullopt;
  std::string name = ascii_lower(line.substr(start, i - start));
  skip_blanks(line, i);
  if (i < line.size() && line[i] == '=') {
    ++i;
    skip_blanks(line, i);
  } else if (i == start + name.size()) {
    return std::nullopt;  // `name` followed directly by something else: not a setting
  }
  bool quoted = i < line.size() && line[i] == '\'';
  auto value = read_value(line, i);
  if (!value || (value->empty() && !quoted)) return std::nullopt;
  skip_blanks(line, i);
  if (i < line.size() && line[i] != '#') return std::nullopt;  // trailing words: not a setting
  return PostgresSetting{std::move(name), std::move(*value), number};
}

}  // namespace

std::vector<PostgresSetting> postgres_settings(std::string_view text) {
  std::vector<PostgresSetting> out;
  for_each_line(text, [&](std::string_view line, size_t number) {
    if (auto s = setting_of(line, number)) out.push_back(std::move(*s));
  });
  return out;
}

std::optional<bool> postgres_bool(std::string_view value) {
  std::string v = ascii_lower(value);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.pop_back();
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
    v.erase(0, 1);
  if (v.empty()) return std::nullopt;
  auto prefix_of = [&](std::string_view word) { return word.starts_with(v); };
  if (v == "1" || prefix_of("true") || prefix_of("yes")) return true;
  if (v == "0" || prefix_of("false") || prefix_of("no")) return false;
  if (v.size() >= 2 && prefix_of("on")) return true;  // "o" alone is on or off
  if (v.size() >= 2 && prefix_of("off")) return false;
  return std::nullopt;
}

std::vector<std::string> postgres_setting_mentions(std::string_view text, std::string_view name) {
  std::vector<std::string> out;
  if (name.empty()) return out;
  std::string low = ascii_lower(text);
  for (size_t at = low.find(name); at != std::string::npos; at = low.find(name, at + 1)) {
    if (at > 0 && setting_char(low[at - 1]) && low[at - 1] != '-') continue;
    size_t i = at + name.size();
    if (i < low.size() && setting_char(low[i])) continue;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
    if (low.compare(i, 3, "to ") == 0) {
      i += 2;  // SET name TO value
    } else if (i < text.size() && text[i] == '=') {
      ++i;
    } else {
      continue;
    }
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '"'))
      ++i;
    std::string value;
    if (i < text.size() && text[i] == '\'') ++i;
    while (i < text.size() && setting_char(text[i]))
      value += text[i++];
    out.push_back(value);
  }
  return out;
}

}  // namespace imgstrip
