// Argument filters: system calls whose first argument says what kind of thing the call
// does (a socket's address family, the namespaces unshare creates, a prctl option). The
// analysis traces that argument at every reachable site the way it traces syscall numbers,
// and the profile allows the call only with the values found. One unknown value anywhere
// (computed at run time, passed through the generic syscall() wrapper, reached through a
// pointer) leaves the call unfiltered, and the report says why.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "seccomp/syscall_table.h"

namespace imgstrip {

// socket, unshare and prctl: the calls whose first argument is traced.
bool traces_first_argument(Arch a, int nr);
// The C library functions that pass their own first argument on as that of one of those
// calls ("socket", "unshare", "prctl"), so the object analysis traces it at their callers.
bool passes_first_argument(std::string_view function);

// The values the first argument of one syscall takes at every reachable site.
struct ArgumentValues {
  std::set<uint64_t> values;
  bool unknown = false;
  std::string why;           // for unknown: the first site and reason met
  size_t unknown_sites = 0;  // how many reasons were met
  void add(int64_t v, const std::string& where);
  void mark_unknown(const std::string& why_not);
};

// A readable name for a value ("AF_NETLINK", "PR_SET_NAME", "CLONE_NEWNS|CLONE_NEWUSER");
// the number itself when it has none.
std::string argument_value_name(std::string_view syscall, uint64_t value);

}  // namespace imgstrip
