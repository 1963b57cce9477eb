#include "verify/compare.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/text.h"

namespace imgstrip::verify {

Masks::Masks(const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    try {
      regexes_.emplace_back(p, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      usage_fail("--ignore \"{}\" is not a regular expression: {}", one_line(p), e.what());
    }
  }
}

std::string Masks::apply(std::string_view text) const {
  std::string out(text);
  for (const std::regex& r : regexes_)
    out = std::regex_replace(out, r, "<ignored>");
  return out;
}

namespace {

std::optional<std::string> why_different(const Outcome& o, const Outcome& s, const Masks& masks) {
  bool o_answered = o.error.empty(), s_answered = s.error.empty();
  if (!o_answered || !s_answered) {
    if (!o_answered && !s_answered && o.error == s.error) return std::nullopt;
    if (!s_answered)
      return fmt::format("the stripped container gave no answer ({}), the original {}", s.error,
                         o_answered ? fmt::format("{}", o.status) : o.error);
    return fmt::format("the original gave no answer ({}), the stripped container {}", o.error,
                       s.status);
  }
  if (o.status != s.status)
    return fmt::format("{} {} vs {}", o.is_exec ? "exit status" : "status", o.status, s.status);
  if (o.status_only) return std::nullopt;
  std::string a = masks.apply(o.body);
  std::string b = masks.apply(s.body);
  if (a == b) return std::nullopt;
  size_t at = 0;
  while (at < a.size() && at < b.size() && a[at] == b[at])
    ++at;
  return fmt::format("{} differs from byte {} ({} vs {} bytes after masking)",
                     o.is_exec ? "output" : "body", at, a.size(), b.size());
}

}  // namespace

std::vector<Difference> compare_outcomes(const std::vector<Outcome>& original,
                                         const std::vector<Outcome>& stripped, const Masks& masks) {
  std::vector<Difference> out;
  size_t n = std::max(original.size(), stripped.size());
  for (size_t i = 0; i < n; ++i) {
    if (i >= original.size() || i >= stripped.size()) {
      Difference d;
      d.index = i;
      d.reason = "the exercise stopped early on one side";
      if (i < original.size()) d.original = original[i];
      if (i < stripped.size()) d.stripped = stripped[i];
      out.push_back(std::move(d));
      continue;
    }
    if (auto why = why_different(original[i], stripped[i], masks)) {
      out.push_back({i, *why, original[i], stripped[i]});
    }
  }
  return out;
}

}  // namespace imgstrip::verify
