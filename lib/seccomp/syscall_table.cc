#include "seccomp/syscall_table.h"

#include <elf.h>

#include <algorithm>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace imgstrip {

namespace {

struct Entry {
  std::string_view name;
  int number;
};

#define SYSCALL(name, number) Entry{name, number},
constexpr Entry kX86_64[] = {
#include "seccomp/syscall_table_x86_64.inc"
};
constexpr Entry kAarch64[] = {
#include "seccomp/syscall_table_aarch64.inc"
};
#undef SYSCALL

struct Table {
  std::map<std::string_view, int, std::less<>> by_name;
  std::map<int, std::string_view> by_number;
  std::vector<int> numbers;
};

template <size_t N>
Table build(const Entry (&entries)[N]) {
  Table t;
  for (const auto& e : entries) {
    t.by_name.emplace(e.name, e.number);
    t.by_number.emplace(e.number, e.name);
  }
  for (const auto& [nr, name] : t.by_number)
    t.numbers.push_back(nr);
  return t;
}

const Table& table(Arch a) {
  static const Table x86 = build(kX86_64);
  static const Table arm = build(kAarch64);
  return a == Arch::X86_64 ? x86 : arm;
}

}  // namespace

std::string_view arch_name(Arch a) {
  return a == Arch::X86_64 ? "x86_64" : "aarch64";
}

std::optional<Arch> parse_arch(std::string_view name) {
  if (name == "x86_64" || name == "amd64") return Arch::X86_64;
  if (name == "aarch64" || name == "arm64") return Arch::Aarch64;
  return std::nullopt;
}

std::optional<Arch> arch_of_machine(uint16_t machine) {
  if (machine == EM_X86_64) return Arch::X86_64;
  if (machine == EM_AARCH64) return Arch::Aarch64;
  return std::nullopt;
}

std::optional<int> syscall_number(Arch a, std::string_view name) {
  const auto& t = table(a);
  auto it = t.by_name.find(name);
  if (it == t.by_name.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> syscall_name(Arch a, int number) {
  const auto& t = table(a);
  auto it = t.by_number.find(number);
  if (it == t.by_number.end()) return std::nullopt;
  return it->second;
}

std::string syscall_label(Arch a, int number) {
  if (auto n = syscall_name(a, number)) return std::string(*n);
  return fmt::format("syscall_{}", number);
}

const std::vector<int>& known_syscalls(Arch a) {
  return table(a).numbers;
}

}  // namespace imgstrip
