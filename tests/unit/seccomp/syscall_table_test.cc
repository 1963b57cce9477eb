// The generated syscall tables against libseccomp's own.
#include "seccomp/syscall_table.h"

#include <seccomp.h>

#include <catch2/catch.hpp>

using namespace imgstrip;

TEST_CASE("syscall tables know the usual numbers", "[seccomp][table]") {
  CHECK(syscall_number(Arch::X86_64, "read") == 0);
  CHECK(syscall_number(Arch::X86_64, "getpid") == 39);
  CHECK(syscall_number(Arch::X86_64, "kexec_load") == 246);
  CHECK(syscall_number(Arch::Aarch64, "openat") == 56);
  CHECK(syscall_number(Arch::Aarch64, "getpid") == 172);
  CHECK(!syscall_number(Arch::Aarch64, "open"));  // the generic table has only openat
  CHECK(syscall_name(Arch::X86_64, 60) == "exit");
  CHECK(syscall_label(Arch::X86_64, 9999) == "syscall_9999");
  CHECK(known_syscalls(Arch::X86_64).size() > 350);
  CHECK(known_syscalls(Arch::Aarch64).size() > 290);
}

TEST_CASE("every table entry matches libseccomp", "[seccomp][table]") {
  for (auto [arch, token] :
       {std::pair{Arch::X86_64, SCMP_ARCH_X86_64}, std::pair{Arch::Aarch64, SCMP_ARCH_AARCH64}}) {
    for (int nr : known_syscalls(arch)) {
      std::string name(*syscall_name(arch, nr));
      INFO(arch_name(arch) << " " << name);
      CHECK(seccomp_syscall_resolve_name_arch(token, name.c_str()) == nr);
    }
  }
}
