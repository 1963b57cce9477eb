// Measurements on the host's real binaries (printed, with loose bounds): /usr/bin/ls, and
// nginx + php-fpm of the Debian fixture root when other tests have built it.
#include <catch2/catch.hpp>

#include <chrono>

#include "core/tempdir.h"
#include "seccomp/profile.h"
#include "seccomp_test_util.h"
#include "unit/fixture.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("host /usr/bin/ls", "[seccomp][host]") {
  TempDir tmp;
  SeccompOptions opts;
  opts.cache_dir = tmp.path() / "cache";
  auto t0 = std::chrono::steady_clock::now();
  SyscallAnalysis cold = analyze_host({"/usr/bin/ls"}, opts);
  double cold_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  SyscallAnalysis warm = analyze_host({"/usr/bin/ls"}, opts);
  double warm_s = seconds_since(t0);
  Profile p = make_profile(cold);
  WARN("/usr/bin/ls: " << cold.syscalls.size() << " syscalls from the analysis, profile allows "
                       << p.allowed.size() << " with runc; " << cold.unresolved.size()
                       << " unresolved sites; cold " << cold_s << " s, cached " << warm_s << " s");
  CHECK(warm.syscalls == cold.syscalls);
  CHECK(warm.cache_hits == warm.objects);
  CHECK(cold.syscalls.size() < 150);
  CHECK(allows(cold, "openat"));
  CHECK(allows(cold, "getdents64"));
  CHECK(allows(cold, "write"));
  CHECK_FALSE(allows(cold, "kexec_load"));
  CHECK_FALSE(allows(cold, "init_module"));
  CHECK_FALSE(allows(cold, "reboot"));
}

TEST_CASE("nginx and php-fpm of the Debian fixture", "[seccomp][host]") {
  fs::path root = test::fixture("make-debian-root.sh", "debian-bookworm-nginx-php");
  REQUIRE(fs::exists(root / "usr/sbin/nginx"));
  REQUIRE(fs::exists(root / "usr/sbin/php-fpm8.2"));
  DirRootFs fs(root);
  auto run = [&](std::vector<std::string> programs, std::vector<std::string> dlopen_dirs) {
    ElfClosure closure(fs);
    for (const auto& p : programs)
      closure.add_root(p);
    SeccompOptions opts;
    for (const auto& d : dlopen_dirs)
      for (const auto& n : fs.list(d))
        if (n.ends_with(".so") || n.starts_with("libnss_files") || n.starts_with("libnss_dns"))
          if (auto r = fs.resolve(d + "/" + n)) {
            closure.add_root(*r, "dlopen");
            opts.dlopened.push_back(*r);
          }
    closure.resolve();
    return analyze_syscalls(fs, closure, opts);
  };
  auto t0 = std::chrono::steady_clock::now();
  SyscallAnalysis nginx = run({"usr/sbin/nginx"}, {"usr/lib/nginx/modules"});
  double nginx_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  SyscallAnalysis both = run({"usr/sbin/nginx", "usr/sbin/php-fpm8.2"},
                             {"usr/lib/nginx/modules", "usr/lib/php/20220829"});
  double both_s = seconds_since(t0);
  Profile pn = make_profile(nginx), pb = make_profile(both);
  WARN("nginx: " << nginx.syscalls.size() << " syscalls, profile " << pn.allowed.size() << " ("
                 << nginx_s << " s); nginx + php-fpm + " << both.objects
                 << " objects: " << both.syscalls.size() << " syscalls, profile "
                 << pb.allowed.size() << " (" << both_s << " s, cold, no cache)");
  CHECK(pb.allowed.size() <= 180);
  for (const char* never : {"kexec_load", "init_module", "finit_module", "delete_module", "reboot",
                            "swapon", "pivot_root", "mount", "umount2", "bpf", "perf_event_open",
                            "userfaultfd", "process_vm_writev"})
    CHECK_FALSE(allows(both, never));
}

// The --init lists hold everything the analysis finds in the inits the engines installed
// here inject: docker.io's docker-init (tini-static) and podman's catatonit (setup.sh
// installs both).
TEST_CASE("the engines' --init binaries need nothing outside their lists", "[seccomp][host]") {
  struct Init {
    const char* path;
    InitProcess init;
  };
  for (Init i : {Init{"/usr/bin/docker-init", InitProcess::Tini},
                 Init{"/usr/bin/catatonit", InitProcess::Catatonit}}) {
    INFO(i.path);
    REQUIRE(fs::exists(i.path));
    SyscallAnalysis a = analyze_host({fs::canonical(i.path)});
    const auto& list = init_syscalls(i.init);
    CHECK(a.syscalls.size() > 30);
    // Sites with an unknown number (glibc's syscall()) count as the default fallback says:
    // they are in a.syscalls.
    for (int nr : a.syscalls) {
      std::string name(syscall_name(a.arch, nr).value_or("?"));
      if (name == "clone3") continue;  // denied with ENOSYS: glibc falls back to clone
      INFO(name);
      CHECK(std::find(list.begin(), list.end(), name) != list.end());
    }
  }
}
