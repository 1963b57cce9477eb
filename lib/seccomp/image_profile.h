// The seccomp profile of an image's kept file system: every kept ELF executable is a
// program (its entry point a root), every kept shared object that no kept object lists in
// DT_NEEDED is taken as loaded with dlopen (php extensions, NSS modules, nginx modules: its
// exported functions are roots), their ELF closure is analysed and the profile made from
// what the call graph reaches. A library that is linked against and loaded by name as well
// (a JRE's libnio.so) is reached through the names its loaders look up (call_graph.h).
// `imgstrip strip` and `imgstrip seccomp` share this.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fs/tree.h"
#include "seccomp/config_gate.h"
#include "seccomp/java_modules.h"
#include "seccomp/profile.h"
#include "seccomp/seccomp_analysis.h"

namespace imgstrip {

struct SeccompSettings {
  SeccompOptions analysis;                   // fallback policy, cache directory, threads
  ProfileOptions profile;                    // runtime baseline, errno
  std::vector<std::string> ld_library_path;  // the image's LD_LIBRARY_PATH, split at ':'
  std::vector<std::string> command_line;     // Entrypoint, Cmd and Env words (config gates)
};

struct ImageSeccomp {
  std::vector<std::string> programs;  // kept executables analysed from their entry point
  std::vector<std::string> dlopened;  // kept shared objects nothing links against
  std::vector<std::string> skipped;   // kept ELF files left out, with the reason
  std::vector<InitProcess> inits;     // the --init processes the profile allows
  std::vector<ConfigGate> gates;      // code the kept configuration turns on or leaves off
  // Per kept JDK: its JNI libraries that no module of the boot layer can load, taken out of
  // `dlopened` (java_modules.h).
  std::vector<JavaModuleGate> java_modules;
  // Why functions called by name were not gated although scripts are kept (a kept
  // archive hides code); empty otherwise (SyscallAnalysis::named_left_out says what was).
  std::string names_not_gated;
  SyscallAnalysis analysis;
  Profile profile;
};

// `kept` holds paths of `tree` ("usr/bin/x" or "/usr/bin/x"); only regular files among
// them are looked at. Throws Error when a program cannot be analysed, and under
// FallbackPolicy::Fail when a reachable site has an unknown number.
ImageSeccomp seccomp_profile_for(const FileTree& tree, const std::set<std::string>& kept,
                                 const SeccompSettings& settings);

// Every regular file of the tree (for a profile of the whole image).
std::set<std::string> all_files(const FileTree& tree);

// The "seccomp" section of a strip report: the profile, every allowed syscall with the
// object, function and one shortest chain that needs it, the runtime's additions and the
// unresolved sites.
nlohmann::json seccomp_report_json(const ImageSeccomp& s);

// What the kept files decided, for people (`imgstrip seccomp --explain`): code a setting
// leaves off (configuration gates, with the line or the search that decided) and JNI
// libraries no module of the boot layer loads. Empty when nothing was left out.
std::string decisions_text(const ImageSeccomp& s);

// The label podman reads with --seccomp-policy=image.
inline constexpr std::string_view kSeccompLabel = "io.containers.seccomp.profile";

}  // namespace imgstrip
