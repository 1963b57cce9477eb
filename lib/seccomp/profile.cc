#include "seccomp/profile.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace imgstrip {

namespace {

using nlohmann::json;

// CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
// CLONE_NEWCGROUP: Docker's default profile requires all of them clear.
constexpr uint64_t kCloneNamespaceFlags = 0x7E020000;
// Docker's default: PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and the query.
constexpr uint64_t kPersonalities[] = {0x0, 0x0008, 0x20000, 0x20008, 0xffffffff};

}  // namespace

std::string_view seccomp_arch_name(Arch a) {
  return a == Arch::X86_64 ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";
}

Profile make_profile(const SyscallAnalysis& analysis, const ProfileOptions& options) {
  Profile p;
  std::set<std::string> names, runtime, init;
  for (int nr : analysis.syscalls)
    if (auto n = syscall_name(analysis.arch, nr)) names.emplace(*n);
  for (std::string_view s : runtime_syscalls(options.runtime)) {
    if (!syscall_number(analysis.arch, s)) continue;  // not on this architecture
    if (names.emplace(s).second) runtime.emplace(s);
  }
  // Which inits make each call, for the argument filters.
  std::map<std::string, std::string, std::less<>> by_init;
  for (InitProcess i : options.inits)
    for (std::string_view s : init_syscalls(i)) {
      if (!syscall_number(analysis.arch, s)) continue;
      if (names.emplace(s).second) init.emplace(s);
      std::string& who = by_init[std::string(s)];
      who += who.empty() ? "" : " and ";
      who += init_name(i);
    }
  if (names.erase("clone3")) p.denied.push_back("clone3");

  const auto& by_runtime = runtime_syscalls(options.runtime);
  for (const auto& [nr, a] : analysis.arguments) {
    auto name = syscall_name(analysis.arch, nr);
    if (!name) continue;
    std::string n(*name);
    if (!names.count(n)) continue;
    auto made_by_init = by_init.find(n);
    if (std::find(by_runtime.begin(), by_runtime.end(), *name) != by_runtime.end())
      p.unfiltered[n] = fmt::format(
          "{} makes it after the filter is in place, with arguments "
          "not known here",
          runtime_name(options.runtime));
    else if (made_by_init != by_init.end())
      p.unfiltered[n] = fmt::format(
          "the --init process ({}) makes it, with arguments not known here", made_by_init->second);
    else if (a.unknown)
      p.unfiltered[n] =
          a.unknown_sites > 1 ? fmt::format("{} (and {} more)", a.why, a.unknown_sites - 1) : a.why;
    else if (a.values.empty())
      p.unfiltered[n] = "no reachable site passes a value";
    else
      p.filtered[n].assign(a.values.begin(), a.values.end());
  }

  json rules = json::array();
  std::vector<std::string> plain;
  for (const auto& n : names)
    if (n != "clone" && n != "personality" && !p.filtered.count(n)) plain.push_back(n);
  if (!plain.empty()) rules.push_back({{"names", plain}, {"action", "SCMP_ACT_ALLOW"}});
  if (names.count("clone")) {
    rules.push_back({{"names", {"clone"}},
                     {"action", "SCMP_ACT_ALLOW"},
                     {"args",
                      {{{"index", 0},
                        {"value", kCloneNamespaceFlags},
                        {"valueTwo", 0},
                        {"op", "SCMP_CMP_MASKED_EQ"}}}},
                     {"comment", "clone without namespace flags (as Docker's default)"}});
  }
  if (names.count("personality")) {
    for (uint64_t v : kPersonalities)
      rules.push_back({{"names", {"personality"}},
                       {"action", "SCMP_ACT_ALLOW"},
                       {"args", {{{"index", 0}, {"value", v}, {"op", "SCMP_CMP_EQ"}}}}});
  }
  for (const auto& [n, values] : p.filtered) {
    for (uint64_t v : values)
      rules.push_back({{"names", {n}},
                       {"action", "SCMP_ACT_ALLOW"},
                       {"args", {{{"index", 0}, {"value", v}, {"op", "SCMP_CMP_EQ"}}}},
                       {"comment", fmt::format("{} ({}): the only first arguments reachable code "
                                               "passes",
                                               n, argument_value_name(n, v))}});
  }
  if (!p.denied.empty() || options.errno_ret != 38) {
    rules.push_back({{"names", {"clone3"}},
                     {"action", "SCMP_ACT_ERRNO"},
                     {"errnoRet", 38},
                     {"comment", "ENOSYS: libc falls back to clone, which is filtered"}});
  }
  p.json = {
      {"defaultAction", "SCMP_ACT_ERRNO"},
      {"defaultErrnoRet", options.errno_ret},
      {"archMap",
       {{{"architecture", seccomp_arch_name(analysis.arch)}, {"subArchitectures", json::array()}}}},
      {"syscalls", std::move(rules)}};
  p.allowed.assign(names.begin(), names.end());
  p.from_runtime.assign(runtime.begin(), runtime.end());
  p.from_init.assign(init.begin(), init.end());
  return p;
}

json explain_json(const SyscallAnalysis& a) {
  json out = json::object();
  for (const auto& [nr, r] : a.reasons) {
    json j = {{"number", nr},
              {"object", r.object},
              {"function", r.function},
              {"site", fmt::format("{:#x}", r.site)},
              {"chain", r.chain}};
    if (!r.wrapper.empty()) j["wrapper"] = r.wrapper;
    out[syscall_label(a.arch, nr)] = std::move(j);
  }
  for (int nr : a.from_fallback)
    out[syscall_label(a.arch, nr)] = {{"number", nr},
                                      {"fallback", std::string(fallback_name(a.fallback))}};
  return out;
}

std::string explain_text(const SyscallAnalysis& a) {
  std::string out;
  for (const auto& [nr, r] : a.reasons) {
    out += fmt::format("{} ({}): {} {} at {:#x}{}\n", syscall_label(a.arch, nr), nr, r.object,
                       r.function, r.site, r.wrapper.empty() ? "" : " via " + r.wrapper);
    for (size_t i = 0; i < r.chain.size(); ++i)
      out += fmt::format("    {}{}\n", i ? "-> " : "", r.chain[i]);
  }
  for (int nr : a.from_fallback)
    out += fmt::format("{} ({}): allowed by the fallback policy {} for unresolved sites\n",
                       syscall_label(a.arch, nr), nr, fallback_name(a.fallback));
  return out;
}

}  // namespace imgstrip
