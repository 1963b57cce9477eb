// Image-controlled text (paths, names, reasons that quote them) going into policy files
// or onto a terminal: a newline in a file name must not end a comment and start a rule.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imgstrip {

// `text` with every control character (below 0x20, and 0x7f) replaced by '?', so it stays
// on one line of a comment or a README.
std::string one_line(std::string_view text);

// Whether `text` has a control character.
bool has_control(std::string_view text);

// `text` with ASCII letters in lower case (HTTP header names, auth schemes).
std::string ascii_lower(std::string_view text);

// `text` without the spaces, tabs and carriage returns at its ends: a line of a
// configuration file, written on any system.
std::string_view trim_line(std::string_view text);

// An ASCII identifier's characters (C, Python): a letter or '_' starts one, digits follow.
constexpr bool identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool identifier_char(char c) {
  return identifier_start(c) || (c >= '0' && c <= '9');
}

// Whether `word` occurs in `text` as a whole identifier (no identifier character on
// either side): "afalg" in "ssl_engine afalg;" or "engines-3/afalg.so", not in "afalgx".
bool contains_word(std::string_view text, std::string_view word);

// The value of a hexadecimal digit, -1 for any other character.
int hex_value(char c);

// Appends code point `cp` as UTF-8 (U+FFFD for one past U+10FFFF).
void append_utf8(std::string& out, uint32_t cp);

// Calls f(line, number) for each '\n'-separated line of `text` (numbers from 1, no
// newline in `line`; a last line without one counts).
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  size_t pos = 0, number = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    f(line, ++number);
  }
}

}  // namespace imgstrip
