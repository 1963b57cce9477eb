#include "harden/script_writes.h"

#include <fmt/format.h>

#include <array>

#include "core/error.h"
#include "core/path.h"
#include "core/text.h"

namespace imgstrip {
namespace {

struct Word {
  std::string text;
  bool literal = true;  // no $, `, glob or ~ in it
};

// One simple command: its words, and the targets of its output redirections.
struct Command {
  std::vector<Word> words;
  std::vector<Word> redirects;
};

bool separator(char c) {
  return c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')';
}

// Splits one line of shell into simple commands (quotes kept together, comments dropped).
std::vector<Command> commands_of(std::string_view line) {
  std::vector<Command> out(1);
  size_t i = 0;
  bool redirect_next = false;
  auto push = [&](Word w) {
    if (redirect_next) {
      out.back().redirects.push_back(std::move(w));
      redirect_next = false;
    } else {
      out.back().words.push_back(std::move(w));
    }
  };
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (c == '#') break;
    if (separator(c)) {
      if (c == '&' && i + 1 < line.size() && line[i + 1] == '>') {  // &> FILE
        redirect_next = true;
        i += 2;
        if (i < line.size() && line[i] == '>') ++i;
        continue;
      }
      if (!out.back().words.empty() || !out.back().redirects.empty()) out.emplace_back();
      redirect_next = false;
      ++i;
      continue;
    }
    if (c == '>' || ((c >= '0' && c <= '9') && i + 1 < line.size() && line[i + 1] == '>')) {
      if (c != '>') ++i;
      ++i;  // '>'
      while (i < line.size() && (line[i] == '>' || line[i] == '|'))
        ++i;
      if (i < line.size() && line[i] == '&') {  // >&2: a descriptor, not a file
        ++i;
        while (i < line.size() && line[i] != ' ' && !separator(line[i]))
          ++i;
        continue;
      }
      redirect_next = true;
      continue;
    }
    if (c == '<') {  // input redirection: its word is read, not written
      ++i;
      while (i < line.size() && (line[i] == '<' || line[i] == ' '))
        ++i;
      while (i < line.size() && line[i] != ' ' && !separator(line[i]))
        ++i;
      continue;
    }
    Word w;
    while (i < line.size()) {
      char d = line[i];
      if (d == ' ' || d == '\t' || separator(d) || d == '>' || d == '<') break;
      if (d == '\'' || d == '"') {
        size_t close = line.find(d, i + 1);
        if (close == std::string_view::npos) close = line.size();
        std::string_view quoted = line.substr(i + 1, close - i - 1);
        if (d == '"' && (quoted.find('$') != std::string_view::npos ||
                         quoted.find('`') != std::string_view::npos)) {
          w.literal = false;
        }
        w.text += quoted;
        i = close + 1;
        continue;
      }
      if (d == '$' || d == '`' || d == '*' || d == '?' || d == '[' || d == '~' || d == '\\') {
        w.literal = false;
      }
      w.text += d;
      ++i;
    }
    push(std::move(w));
  }
  return out;
}

// The operands of a command: words after the name that are not options.
std::vector<const Word*> operands(const Command& c) {
  std::vector<const Word*> out;
  bool options = true;
  for (size_t i = 1; i < c.words.size(); ++i) {
    const Word& w = c.words[i];
    if (options && w.text == "--") {
      options = false;
      continue;
    }
    if (options && w.text.size() > 1 && w.text[0] == '-') continue;
    out.push_back(&w);
  }
  return out;
}

bool system_path(std::string_view abs) {
  for (std::string_view top : {"/dev", "/proc", "/sys"}) {
    if (abs == top || (abs.starts_with(top) && abs[top.size()] == '/')) return true;
  }
  return false;
}

enum class Target { File, Directory };

}  // namespace

std::vector<WrittenPlace> script_writes(std::string_view text, std::string_view script) {
  std::vector<WrittenPlace> out;
  for_each_line(text, [&](std::string_view line, size_t line_no) {
    for (const Command& c : commands_of(line)) {
      std::vector<std::pair<const Word*, Target>> targets;
      for (const Word& r : c.redirects)
        targets.emplace_back(&r, Target::File);
      // The command's name, after `exec`, `command` and VAR=value assignments.
      size_t first = 0;
      while (first < c.words.size() &&
             (c.words[first].text == "exec" || c.words[first].text == "command" ||
              c.words[first].text.find('=') != std::string::npos)) {
        ++first;
      }
      // The targets point into `rest`, which lives as long as they do.
      Command rest{{c.words.begin() + static_cast<std::ptrdiff_t>(first), c.words.end()}, {}};
      if (!rest.words.empty()) {
        std::string_view name = base_name(rest.words[0].text);
        auto ops = operands(rest);
        if (name == "mkdir") {
          for (auto* w : ops)
            targets.emplace_back(w, Target::Directory);
        } else if ((name == "chown" || name == "chgrp" || name == "chmod") && ops.size() > 1) {
          for (size_t k = 1; k < ops.size(); ++k)
            targets.emplace_back(ops[k], Target::Directory);
        } else if (name == "touch" || name == "tee" || name == "rm") {
          for (auto* w : ops)
            targets.emplace_back(w, Target::File);
        } else if ((name == "cp" || name == "mv" || name == "install" || name == "ln") &&
                   ops.size() > 1) {
          targets.emplace_back(ops.back(), Target::File);
          if (name == "mv") {
            for (size_t k = 0; k + 1 < ops.size(); ++k)
              targets.emplace_back(ops[k], Target::File);
          }
        } else if (name == "sed") {
          bool in_place = false, script_given = false;
          for (size_t k = 1; k < rest.words.size(); ++k) {
            const std::string& t = rest.words[k].text;
            if (t.starts_with("-i") || t.starts_with("--in-place")) in_place = true;
            if (t == "-e" || t == "-f" || t.starts_with("--expression")) script_given = true;
          }
          if (in_place) {
            for (size_t k = script_given ? 0 : 1; k < ops.size(); ++k)
              targets.emplace_back(ops[k], Target::File);
          }
        }
      }
      for (auto [w, kind] : targets) {
        if (!w->literal || w->text.empty() || w->text[0] != '/' || system_path(w->text)) continue;
        std::string path;
        try {
          path = FileTree::normalize(w->text);  // "." parts gone; ".." refused
        } catch (const Error&) {
          continue;
        }
        if (path.empty()) continue;  // the root itself is never mounted
        std::string dir = path;
        if (kind == Target::File) {
          size_t slash = path.rfind('/');
          if (slash == std::string::npos) continue;  // a file in / itself: not mountable
          dir = path.substr(0, slash);
        }
        std::string verb = kind == Target::File ? "writes" : "makes or changes";
        out.push_back({dir, fmt::format("{} line {} {} /{}", script, line_no, verb, path),
                       kind == Target::File ? path : ""});
      }
    }
  });
  return out;
}

std::vector<WrittenPlace> script_writes(const FileTree& tree,
                                        const std::vector<std::string>& scripts) {
  static constexpr std::array<std::string_view, 6> shells = {"sh",  "bash", "dash",
                                                             "ash", "ksh",  "zsh"};
  std::vector<WrittenPlace> out;
  for (const std::string& s : scripts) {
    const Entry* e = tree.find(s);
    if (e == nullptr || e->type != FileType::Regular || e->size > (1u << 20) || e->size < 3) {
      continue;
    }
    std::string text;
    try {
      text = tree.read(*e, 1u << 20);
    } catch (const Error&) {
      continue;  // contents not stored: nothing to read
    }
    if (!text.starts_with("#!")) continue;
    std::string_view first(text.data(), std::min(text.find('\n'), text.size()));
    first.remove_prefix(2);
    while (!first.empty() && (first[0] == ' ' || first[0] == '\t'))
      first.remove_prefix(1);
    std::string_view interp = first.substr(0, first.find_first_of(" \t"));
    std::string_view prog = base_name(interp);
    if (prog == "env") {
      std::string_view arg = first.substr(std::min(first.size(), interp.size()));
      while (!arg.empty() && (arg[0] == ' ' || arg[0] == '\t'))
        arg.remove_prefix(1);
      prog = arg.substr(0, arg.find_first_of(" \t"));
    }
    bool shell = false;
    for (std::string_view sh : shells)
      shell = shell || prog == sh;
    if (!shell) continue;
    for (WrittenPlace& w : script_writes(text, "/" + s)) {
      auto real = tree.lookup(w.file.empty() ? w.path : w.file, true);
      if (real && !real->path.empty()) {
        std::string where = real->path;
        if (!w.file.empty()) {
          size_t slash = where.rfind('/');
          where = slash == std::string::npos ? "" : where.substr(0, slash);
        }
        if (!where.empty() && where != w.path) {
          w.why += fmt::format(" (through a symlink: /{})", real->path);
          w.path = where;
        }
      }
      out.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace imgstrip
