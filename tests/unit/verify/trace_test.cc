#include <catch2/catch.hpp>

#include "core/error.h"
#include "verify/trace.h"
#include "verify/verify.h"

using namespace imgstrip;
using namespace imgstrip::verify;

namespace {
const char* kProfile = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
  "syscalls": [{"names": ["read", "write", "openat", "accept"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0}]},
               {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]})";
}

TEST_CASE("seccomp profile: allowed names and the errno", "[verify][trace]") {
  SeccompProfile p = read_profile(kProfile);
  CHECK(p.default_errno);
  CHECK(p.errno_ret == 38);
  CHECK(p.allowed == std::set<std::string>{"accept", "clone", "openat", "read", "write"});
  CHECK(read_profile(R"({"defaultAction":"SCMP_ACT_ERRNO"})").errno_ret == 1);
  CHECK_THROWS_AS(read_profile("[1]"), Error);
  CHECK(errno_name(38) == "ENOSYS");
}

TEST_CASE("strace output: failed calls, resumed lines, paths", "[verify][trace]") {
  auto calls = parse_strace(
      "101 openat(AT_FDCWD, \"/usr/lib/php/20220829/pdo_sqlite.so\", O_RDONLY|O_CLOEXEC) = -1 "
      "ENOENT (No such file or directory)\n"
      "102 accept4(6, 0x7ffd, [112], SOCK_NONBLOCK) = -1 ENOSYS (Function not implemented)\n"
      "[pid 103] newfstatat(AT_FDCWD, \"/etc/a\\x20b\", 0x1, 0) = -1 ENOENT (No such file)\n"
      "104 execve(\"/bin/missing\", [\"missing\"], 0x0 /* 3 vars */ <unfinished ...>\n"
      "105 read(3, \"\", 4) = -1 EAGAIN (Resource temporarily unavailable)\n"
      "104 <... execve resumed>) = -1 ENOENT (No such file or directory)\n"
      "garbage line\n"
      "106 openat(AT_FDCWD, \"/cut\"..., O_RDONLY) = -1 ENOENT (No such file)\n"
      "107 openat(3, \"relative\", O_RDONLY) = -1 ENOENT (No such file)\n");
  REQUIRE(calls.size() == 7);
  CHECK(calls[0].syscall == "openat");
  CHECK(calls[0].path == "/usr/lib/php/20220829/pdo_sqlite.so");
  CHECK(calls[1].syscall == "accept4");
  CHECK(calls[1].error == "ENOSYS");
  CHECK(calls[1].path.empty());
  CHECK(calls[2].path == "/etc/a b");
  CHECK(calls[4].syscall == "execve");
  CHECK(calls[4].path == "/bin/missing");

  SeccompProfile p = read_profile(kProfile);
  auto f = find_problems(calls, p, [](const std::string& path) { return path != "/etc/a b"; });
  CHECK(f.refused_syscalls == std::vector<std::string>{"accept4"});
  CHECK(f.missing_files ==
        std::vector<std::string>{"/usr/lib/php/20220829/pdo_sqlite.so", "/bin/missing", "/cut"});
  CHECK(f.other_missing == 1);
}

TEST_CASE("syscalls the logs name that the profile does not allow", "[verify][trace]") {
  SeccompProfile p = read_profile(kProfile);
  std::string logs =
      "2026/11/26 10:00:00 [alert] 7#7: *1 accept4() failed (38: Function not implemented)\n"
      "read() failed (11)\n"
      "main() failed\n"
      "clone3: Function not implemented\n";
  CHECK(syscalls_named_in_logs(logs, p) == std::vector<std::string>{"accept4", "clone3"});
}

TEST_CASE("paths named in log lines", "[verify][trace]") {
  CHECK(paths_in_text("PHP Warning:  Unable to load dynamic library 'pdo_sqlite.so' (tried: "
                      "/usr/lib/php/20220829/pdo_sqlite.so (/usr/lib/php/20220829/pdo_sqlite.so: "
                      "cannot open shared object file), see http://x.org/a. End: /etc/x.\n") ==
        std::vector<std::string>{"/usr/lib/php/20220829/pdo_sqlite.so", "/etc/x"});
  CHECK(paths_in_text("a/b c /").empty());
}
