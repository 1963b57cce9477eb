// Allow rules collected by (source, target, class) with their permissions merged, and the
// types and classes they use: what a module's require block must name.
#pragma once

#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

namespace imgstrip {

class AvRules {
 public:
  void allow(std::string_view source, std::string_view target, std::string_view cls,
             std::initializer_list<std::string_view> perms);
  void allow(std::string_view source, std::string_view target, std::string_view cls,
             const std::set<std::string>& perms);
  bool empty() const { return rules_.empty(); }

  // Every type named as source or target ("self" excluded).
  std::set<std::string> types() const;
  // class -> permissions used.
  std::map<std::string, std::set<std::string>> classes() const;

  // "allow a_t b_t:file { open read };" lines, each prefixed with `indent`.
  std::string te(std::string_view indent) const;
  // "(allow a b (file (open read)))" lines.
  std::string cil(std::string_view indent) const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>> rules_;
};

// "{ a b c }" or "a" for one permission, as the module language writes a set.
std::string te_set(const std::set<std::string>& items);

}  // namespace imgstrip
