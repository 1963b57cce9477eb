#include "oci/healthcheck.h"

namespace imgstrip {

namespace {

std::optional<int64_t> count(const Json& h, const char* key) {
  auto it = h.find(key);
  if (it == h.end() || !it->is_number_integer()) return std::nullopt;
  int64_t v = it->get<int64_t>();
  if (v <= 0) return std::nullopt;  // 0: the default
  return v;
}

}  // namespace

std::optional<Healthcheck> parse_healthcheck(const Json& h, std::vector<std::string> shell,
                                             std::string* unknown_type) {
  if (!h.is_object()) return std::nullopt;
  auto test = h.find("Test");
  if (test == h.end() || !test->is_array() || test->empty()) return std::nullopt;
  std::vector<std::string> words;
  for (const auto& w : *test) {
    if (!w.is_string()) return std::nullopt;
    words.push_back(w.get<std::string>());
  }
  Healthcheck out;
  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (words[0] == "CMD") {
    if (rest.empty() || rest[0].empty()) return std::nullopt;
    out.command = std::move(rest);
  } else if (words[0] == "CMD-SHELL") {
    if (rest.size() != 1) return std::nullopt;
    if (shell.empty()) shell = {"/bin/sh", "-c"};
    shell.push_back(std::move(rest[0]));
    out.command = std::move(shell);
  } else {
    if (words[0] != "NONE" && unknown_type != nullptr) *unknown_type = words[0];
    return std::nullopt;
  }
  out.interval_ns = count(h, "Interval");
  out.timeout_ns = count(h, "Timeout");
  out.start_period_ns = count(h, "StartPeriod");
  out.retries = count(h, "Retries");
  return out;
}

}  // namespace imgstrip
