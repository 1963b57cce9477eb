// System call names and numbers of the architectures imgstrip analyses, generated from the
// kernel UAPI headers (scripts/gen-syscall-tables.py) and kept in-tree.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

enum class Arch : uint8_t { X86_64, Aarch64 };

// A set of system call numbers of one architecture.
using SyscallSet = std::set<int>;

std::string_view arch_name(Arch a);  // "x86_64", "aarch64"
std::optional<Arch> parse_arch(std::string_view name);
// The architecture of an ELF e_machine (EM_X86_64, EM_AARCH64); nullopt for the rest.
std::optional<Arch> arch_of_machine(uint16_t machine);

std::optional<int> syscall_number(Arch a, std::string_view name);
// nullopt for numbers the table does not know.
std::optional<std::string_view> syscall_name(Arch a, int number);
// "read", or "syscall_1234" for a number the table does not know.
std::string syscall_label(Arch a, int number);
// Every number the table knows, ascending.
const std::vector<int>& known_syscalls(Arch a);

}  // namespace imgstrip
