#include "seccomp/kernel_restart.h"

#include <array>
#include <string_view>

#include <fmt/format.h>

namespace imgstrip {

void add_kernel_restarts(SyscallAnalysis& a) {
  auto restart = syscall_number(a.arch, "restart_syscall");
  if (!restart || a.syscalls.count(*restart)) return;
  static constexpr std::array<std::string_view, 4> kResumed = {"nanosleep", "clock_nanosleep",
                                                               "poll", "futex"};
  for (std::string_view name : kResumed) {
    auto nr = syscall_number(a.arch, name);  // poll: none on aarch64
    if (!nr || !a.syscalls.count(*nr)) continue;
    a.syscalls.insert(*restart);
    if (auto r = a.reasons.find(*nr); r != a.reasons.end()) {
      SyscallReason why = r->second;
      why.chain.push_back(
          fmt::format("kernel: resumes an interrupted {} as restart_syscall", name));
      a.reasons[*restart] = std::move(why);
    } else {
      a.from_fallback.insert(*restart);  // the sleep itself came from the fallback policy
    }
    return;
  }
}

}  // namespace imgstrip
