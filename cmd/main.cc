// imgstrip: turns a bloated container image into a minimal, hardened one.
// This file only dispatches to the subcommands and maps errors to exit codes.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string_view>

#include "commands.h"
#include "commit.h"
#include "common.h"
#include "core/error.h"

namespace {

constexpr const char* kUsage =
    "imgstrip " IMGSTRIP_VERSION
    " - strip container images down to what they use\n"
    "\n"
    "Usage: imgstrip [strip] -i SRC -t DST [-p PKG]... [-f PATH]... [-r GLOB]...\n"
    "       imgstrip COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  strip                strip an image (the default command; see strip --help)\n"
    "  why IMAGE PATH       explain why a strip keeps a path\n"
    "  seccomp IMAGE        the seccomp profile of what a strip keeps\n"
    "  inspect IMAGE        show manifest, platform, layers and configuration\n"
    "  ls IMAGE [PATH]      list the flattened file system\n"
    "  copy SRC DST         copy an image between transports\n"
    "  run-args IMAGE       docker/podman run flags for a stripped image's hardening\n"
    "  verify ORIG STRIPPED run both side by side and compare their answers\n"
    "\n"
    "Images are named like skopeo's: docker://REF for a registry, oci:DIR[:TAG] for an OCI\n"
    "layout, docker-archive:FILE[:REF] for a docker save tarball, docker-daemon:REF and\n"
    "containers-storage:REF for the local Docker or podman engine. A bare REF is the local\n"
    "engine's image when it has one (else the registry's); a bare destination without a\n"
    "registry host goes to the local engine when one is reachable.\n"
    "Run 'imgstrip COMMAND --help' for a command's options.\n"
    "Exit codes: 0 success, 1 failure, 2 usage error.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace imgstrip::cli;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  std::string_view cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (cmd == "--version" || cmd == "version") {
    std::puts("imgstrip " IMGSTRIP_VERSION " (commit " IMGSTRIP_COMMIT ")");
    return kExitOk;
  }
  try {
    if (cmd == "inspect") return run_inspect(argc - 1, argv + 1);
    if (cmd == "ls") return run_ls(argc - 1, argv + 1);
    if (cmd == "copy") return run_copy(argc - 1, argv + 1);
    if (cmd == "strip") return run_strip(argc - 1, argv + 1);
    if (cmd == "why") return run_why(argc - 1, argv + 1);
    if (cmd == "seccomp") return run_seccomp(argc - 1, argv + 1);
    if (cmd == "run-args") return run_run_args(argc - 1, argv + 1);
    if (cmd == "verify") return run_verify(argc - 1, argv + 1);
    if (cmd.starts_with("-")) {
      cmd = "strip";
      return run_strip(argc, argv);
    }
    fmt::print(stderr, "imgstrip: unknown command \"{}\"\n\n{}", cmd, kUsage);
    return kExitUsage;
  } catch (const imgstrip::UsageError& e) {
    fmt::print(stderr, "imgstrip {}: {}\n", cmd, e.what());
    return kExitUsage;
  } catch (const imgstrip::Error& e) {
    fmt::print(stderr, "imgstrip {}: {}\n", cmd, e.what());
    return kExitFailure;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "imgstrip {}: out of memory\n", cmd);
    return kExitFailure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "imgstrip {}: internal error: {}\n", cmd, e.what());
    return kExitFailure;
  }
}
