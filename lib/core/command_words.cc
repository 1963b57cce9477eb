#include "core/command_words.h"

#include "core/error.h"
#include "core/text.h"

namespace imgstrip {

std::vector<std::string> command_words(std::string_view s, std::string_view flag) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 < s.size()) cur += s[++i];
      continue;
    }
    if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) usage_fail("{} \"{}\": unterminated '", flag, one_line(s));
      cur.append(s.substr(i + 1, end - i - 1));
      i = end;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;
      for (; j < s.size() && s[j] != '"'; ++j) {
        if (s[j] == '\\' && j + 1 < s.size() &&
            std::string_view("\"\\$`").find(s[j + 1]) != std::string_view::npos) {
          cur += s[++j];
        } else {
          cur += s[j];
        }
      }
      if (j >= s.size()) usage_fail("{} \"{}\": unterminated \"", flag, one_line(s));
      i = j;
      continue;
    }
    cur += c;
  }
  if (in_word) words.push_back(std::move(cur));
  if (words.empty()) usage_fail("{} needs a command", flag);
  return words;
}

}  // namespace imgstrip
