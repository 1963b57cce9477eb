// seccomp_measure ROOT PROGRAM... [--dlopen PATH]... [--dlopen-dir DIR]... [--cache DIR]
//                 [--explain] [--profile FILE] [--runtime runc|crun]
// Analyses the programs of a root file system (paths relative to ROOT) and prints how many
// system calls the profile allows, the unresolved sites and the time taken. Not a test:
// a measuring tool for the numbers in the issue.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rootfs.h"
#include "core/stream.h"
#include "elf/closure.h"
#include "seccomp/profile.h"
#include "seccomp/seccomp_analysis.h"

using namespace imgstrip;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ROOT PROGRAM... [--dlopen P] [--dlopen-dir D] [--cache D]\n",
                 argv[0]);
    return 2;
  }
  try {
    DirRootFs fs(argv[1]);
    std::vector<std::string> programs, dlopened, dirs;
    SeccompOptions opts;
    ProfileOptions popts;
    bool explain = false;
    std::string profile_out;
    for (int i = 2; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--dlopen" && i + 1 < argc)
        dlopened.push_back(argv[++i]);
      else if (a == "--dlopen-dir" && i + 1 < argc)
        dirs.push_back(argv[++i]);
      else if (a == "--cache" && i + 1 < argc)
        opts.cache_dir = argv[++i];
      else if (a == "--explain")
        explain = true;
      else if (a == "--profile" && i + 1 < argc)
        profile_out = argv[++i];
      else if (a == "--runtime" && i + 1 < argc)
        popts.runtime = parse_runtime(argv[++i]).value_or(OciRuntime::Runc);
      else
        programs.push_back(a);
    }
    for (const auto& d : dirs)
      for (const auto& name : fs.list(d))
        if (name.ends_with(".so")) dlopened.push_back(d + "/" + name);
    auto t0 = std::chrono::steady_clock::now();
    ClosureOptions copts;
    ElfClosure closure(fs, copts);
    for (const auto& p : programs)
      closure.add_root(p);
    std::vector<std::string> real;
    for (const auto& p : dlopened) {
      if (auto r = fs.resolve(p)) {
        closure.add_root(*r, "dlopen");
        real.push_back(*r);
      }
    }
    closure.resolve();
    opts.dlopened = real;
    SyscallAnalysis a = analyze_syscalls(fs, closure, opts);
    auto t1 = std::chrono::steady_clock::now();
    Profile prof = make_profile(a, popts);
    std::printf("objects %zu (cache hits %zu), functions %zu, reachable %zu, roots %zu\n",
                a.objects, a.cache_hits, a.functions, a.reachable_functions, a.roots);
    std::printf("syscalls from analysis: %zu (fallback added %zu), unresolved sites: %zu\n",
                a.syscalls.size(), a.from_fallback.size(), a.unresolved.size());
    std::printf("profile allows %zu syscalls (runtime %s adds %zu)\n", prof.allowed.size(),
                std::string(runtime_name(popts.runtime)).c_str(), prof.from_runtime.size());
    std::printf("analysis time %.3f s\n", std::chrono::duration<double>(t1 - t0).count());
    for (const auto& u : a.unresolved)
      std::printf("  unresolved: %s %s at %#lx: %s\n", u.object.c_str(), u.function.c_str(),
                  static_cast<unsigned long>(u.site), u.why.c_str());
    if (explain) std::printf("%s", explain_text(a).c_str());
    if (!profile_out.empty()) write_file_atomic(profile_out, prof.json.dump(2) + "\n");
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
