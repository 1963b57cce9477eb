#include "dockerfile/dockerfile.h"

#include <cctype>

#include "core/error.h"

namespace imgstrip {
namespace {

std::string trim(std::string_view s) {
  size_t a = 0;
  while (a < s.size() && std::isspace(static_cast<unsigned char>(s[a])))
    ++a;
  size_t b = s.size();
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
    --b;
  return std::string(s.substr(a, b - a));
}

std::string upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Words of a shell-like argument list: whitespace separated, with "..." and '...' quoting
// and the escape character (as in LABEL/ENV key=value pairs).
std::vector<std::string> words(std::string_view s, char escape, std::string_view where) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == escape && quote == '"' && i + 1 < s.size()) {
        cur += s[++i];
      } else {
        cur += c;
      }
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == escape && i + 1 < s.size()) {
      cur += s[++i];
    } else {
      cur += c;
    }
  }
  if (quote != 0) fail("{}: unterminated quote", where);
  if (in_word) out.push_back(std::move(cur));
  return out;
}

// CMD/ENTRYPOINT/HEALTHCHECK CMD: JSON array (exec form) or a shell command.
Json command(std::string_view args, std::string_view where) {
  std::string a = trim(args);
  if (!a.empty() && a.front() == '[') {
    Json j = Json::parse(a, nullptr, false);
    if (j.is_array()) {
      for (auto& w : j) {
        if (!w.is_string()) fail("{}: exec form must be an array of strings", where);
      }
      return j;
    }
  }
  if (a.empty()) fail("{}: missing command", where);
  return Json::array({"/bin/sh", "-c", a});
}

// KEY=VALUE pairs (ENV, LABEL), or the legacy `ENV KEY VALUE` form.
std::vector<std::pair<std::string, std::string>> pairs(std::string_view args, char escape,
                                                       std::string_view where, bool legacy_ok) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string a = trim(args);
  auto first_space = a.find_first_of(" \t");
  auto first_eq = a.find('=');
  if (legacy_ok && first_eq != std::string::npos && first_space != std::string::npos &&
      first_space < first_eq) {
    out.emplace_back(a.substr(0, first_space), trim(a.substr(first_space)));
    return out;
  }
  if (legacy_ok && first_eq == std::string::npos) {
    if (first_space == std::string::npos) fail("{}: ENV needs a value", where);
    out.emplace_back(a.substr(0, first_space), trim(a.substr(first_space)));
    return out;
  }
  for (auto& w : words(a, escape, where)) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) fail("{}: expected KEY=VALUE, got \"{}\"", where, w);
    out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  if (out.empty()) fail("{}: expected KEY=VALUE", where);
  return out;
}

Json string_array(const std::vector<std::string>& v) {
  Json j = Json::array();
  for (auto& s : v)
    j.push_back(s);
  return j;
}

// Docker durations ("30s", "1m30s", "500ms") in nanoseconds.
int64_t duration_ns(std::string_view s, std::string_view where) {
  int64_t total = 0;
  size_t i = 0;
  if (s.empty()) fail("{}: empty duration", where);
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
      ++i;
    if (start == i) fail("{}: bad duration \"{}\"", where, s);
    double n = std::stod(std::string(s.substr(start, i - start)));
    size_t u = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])))
      ++i;
    std::string_view unit = s.substr(u, i - u);
    double mult = 0;
    if (unit == "ns") mult = 1;
    if (unit == "us") mult = 1e3;
    if (unit == "ms") mult = 1e6;
    if (unit == "s") mult = 1e9;
    if (unit == "m") mult = 60e9;
    if (unit == "h") mult = 3600e9;
    if (mult == 0) fail("{}: bad duration unit in \"{}\"", where, s);
    total += static_cast<int64_t>(n * mult);
  }
  return total;
}

Json healthcheck(std::string_view args, std::string_view where) {
  std::string a = trim(args);
  if (upper(a) == "NONE") return Json{{"Test", Json::array({"NONE"})}};
  Json hc = Json::object();
  while (a.starts_with("--")) {
    auto space = a.find_first_of(" \t");
    if (space == std::string::npos) fail("{}: HEALTHCHECK needs CMD", where);
    std::string opt = a.substr(2, space - 2);
    a = trim(a.substr(space));
    auto eq = opt.find('=');
    if (eq == std::string::npos) fail("{}: HEALTHCHECK option --{} needs a value", where, opt);
    std::string key = opt.substr(0, eq);
    std::string value = opt.substr(eq + 1);
    if (key == "interval") {
      hc["Interval"] = duration_ns(value, where);
    } else if (key == "timeout") {
      hc["Timeout"] = duration_ns(value, where);
    } else if (key == "start-period") {
      hc["StartPeriod"] = duration_ns(value, where);
    } else if (key == "start-interval") {
      hc["StartInterval"] = duration_ns(value, where);
    } else if (key == "retries") {
      hc["Retries"] = std::stoi(value);
    } else {
      fail("{}: unknown HEALTHCHECK option --{}", where, key);
    }
  }
  if (!upper(a.substr(0, 3)).starts_with("CMD")) fail("{}: HEALTHCHECK needs CMD", where);
  Json cmd = command(a.substr(3), where);
  Json test = Json::array();
  if (cmd.size() == 3 && cmd[0] == "/bin/sh" && cmd[1] == "-c") {
    test = Json::array({"CMD-SHELL", cmd[2]});
  } else {
    test.push_back("CMD");
    for (auto& w : cmd)
      test.push_back(w);
  }
  hc["Test"] = test;
  return hc;
}

}  // namespace

std::vector<Instruction> parse_dockerfile(std::string_view text, std::string_view name) {
  std::vector<Instruction> out;
  char escape = '\\';
  bool directives = true;
  std::string pending;
  int pending_line = 0;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string t = trim(line);
    if (directives && t.starts_with("#")) {
      std::string d = trim(t.substr(1));
      if (upper(d.substr(0, 7)) == "ESCAPE=") {
        std::string e = trim(d.substr(7));
        if (e != "\\" && e != "`") fail("{}:{}: escape must be \\ or `", name, line_no);
        escape = e[0];
        continue;
      }
    }
    if (t.empty() || t.front() == '#') {
      if (!t.empty() && !pending.empty()) continue;  // comments inside continuations
      if (t.empty() && pending.empty()) continue;
      if (t.empty()) continue;
      continue;
    }
    directives = false;
    if (pending.empty()) pending_line = line_no;
    bool continued = !t.empty() && t.back() == escape;
    if (continued) t.pop_back();
    if (!pending.empty()) pending += ' ';
    pending += t;
    if (continued) continue;
    auto space = pending.find_first_of(" \t");
    Instruction ins;
    ins.keyword = upper(pending.substr(0, space));
    ins.args = space == std::string::npos ? "" : trim(pending.substr(space));
    ins.line = pending_line;
    out.push_back(std::move(ins));
    pending.clear();
    if (nl == text.size()) break;
  }
  if (!pending.empty()) fail("{}:{}: the file ends inside a continued line", name, pending_line);
  return out;
}

std::vector<std::string> apply_dockerfile(const std::vector<Instruction>& instructions,
                                          ImageConfig& config, std::string_view name) {
  std::vector<std::string> applied;
  for (const auto& ins : instructions) {
    std::string where = std::string(name) + ":" + std::to_string(ins.line);
    const std::string& k = ins.keyword;
    if (k == "CMD") {
      config.set_config_field("Cmd", command(ins.args, where));
    } else if (k == "ENTRYPOINT") {
      config.set_config_field("Entrypoint", command(ins.args, where));
    } else if (k == "ENV") {
      std::vector<std::string> env = config.env();
      for (auto& [key, value] : pairs(ins.args, '\\', where, true)) {
        std::string prefix = key + "=";
        std::erase_if(env, [&](const std::string& e) { return e.starts_with(prefix); });
        env.push_back(prefix + value);
      }
      config.set_config_field("Env", string_array(env));
    } else if (k == "LABEL") {
      for (auto& [key, value] : pairs(ins.args, '\\', where, false))
        config.set_label(key, value);
    } else if (k == "EXPOSE") {
      for (auto& p : words(ins.args, '\\', where)) {
        std::string port = p;
        if (port.find('/') == std::string::npos) port += "/tcp";
        auto slash = port.find('/');
        std::string num = port.substr(0, slash);
        std::string proto = port.substr(slash + 1);
        bool digits = !num.empty() && num.find_first_not_of("0123456789-") == std::string::npos;
        if (!digits || (proto != "tcp" && proto != "udp" && proto != "sctp")) {
          fail("{}: bad port \"{}\"", where, p);
        }
        config.add_exposed_port(port);
      }
    } else if (k == "USER") {
      if (ins.args.empty()) fail("{}: USER needs a value", where);
      config.set_config_field("User", ins.args);
    } else if (k == "WORKDIR") {
      if (ins.args.empty()) fail("{}: WORKDIR needs a path", where);
      config.set_config_field("WorkingDir", ins.args);
    } else if (k == "VOLUME") {
      Json vols = config.json().contains("config") && config.json()["config"].contains("Volumes") &&
                          config.json()["config"]["Volumes"].is_object()
                      ? config.json()["config"]["Volumes"]
                      : Json::object();
      std::string a = trim(ins.args);
      Json list = a.starts_with("[") ? Json::parse(a, nullptr, false) : Json();
      if (!list.is_array()) list = string_array(words(a, '\\', where));
      for (auto& v : list) {
        if (!v.is_string() || v.get<std::string>().empty()) fail("{}: bad VOLUME", where);
        vols[v.get<std::string>()] = Json::object();
      }
      config.set_config_field("Volumes", vols);
    } else if (k == "STOPSIGNAL") {
      if (ins.args.empty()) fail("{}: STOPSIGNAL needs a signal", where);
      config.set_config_field("StopSignal", ins.args);
    } else if (k == "HEALTHCHECK") {
      config.set_config_field("Healthcheck", healthcheck(ins.args, where));
    } else {
      continue;  // FROM, RUN, COPY, ADD, ARG, ONBUILD, SHELL, MAINTAINER: not metadata
    }
    applied.push_back(k);
  }
  return applied;
}

}  // namespace imgstrip
