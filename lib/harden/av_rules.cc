#include "harden/av_rules.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace imgstrip {

void AvRules::allow(std::string_view source, std::string_view target, std::string_view cls,
                    std::initializer_list<std::string_view> perms) {
  auto& set = rules_[{std::string(source), std::string(target), std::string(cls)}];
  for (std::string_view p : perms)
    set.emplace(p);
}

void AvRules::allow(std::string_view source, std::string_view target, std::string_view cls,
                    const std::set<std::string>& perms) {
  if (perms.empty()) return;
  auto& set = rules_[{std::string(source), std::string(target), std::string(cls)}];
  set.insert(perms.begin(), perms.end());
}

std::set<std::string> AvRules::types() const {
  std::set<std::string> out;
  for (const auto& [key, perms] : rules_) {
    out.insert(std::get<0>(key));
    if (std::get<1>(key) != "self") out.insert(std::get<1>(key));
  }
  return out;
}

std::map<std::string, std::set<std::string>> AvRules::classes() const {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [key, perms] : rules_)
    out[std::get<2>(key)].insert(perms.begin(), perms.end());
  return out;
}

std::string te_set(const std::set<std::string>& items) {
  if (items.size() == 1) return *items.begin();
  return fmt::format("{{ {} }}", fmt::join(items, " "));
}

std::string AvRules::te(std::string_view indent) const {
  std::string out;
  for (const auto& [key, perms] : rules_) {
    const auto& [source, target, cls] = key;
    out += fmt::format("{}allow {} {}:{} {};\n", indent, source, target, cls, te_set(perms));
  }
  return out;
}

std::string AvRules::cil(std::string_view indent) const {
  std::string out;
  for (const auto& [key, perms] : rules_) {
    const auto& [source, target, cls] = key;
    out += fmt::format("{}(allow {} {} ({} ({})))\n", indent, source, target, cls,
                       fmt::join(perms, " "));
  }
  return out;
}

}  // namespace imgstrip
