// An AppArmor profile for Debian and Ubuntu hosts: read (and mmap) access to the kept
// files, collapsed to directory globs, exact `mrix` rules for the kept executables, write
// access to the writable directories (volumes, state, log, run, cache), network rules for
// the exposed ports, the capabilities, and denials for mount, pivot_root, ptrace and the
// kernel's sensitive /proc and /sys files.
//   apparmor_parser -r NAME.apparmor
//   podman run --security-opt apparmor=NAME ...
// Globs do not widen access to the image's files: a stripped image holds only kept paths,
// so `/etc/nginx/{,**} r` reads nothing that was not kept (files created at run time go to
// the writable directories).
#pragma once

#include <string>
#include <vector>

#include "harden/capabilities.h"
#include "harden/input.h"
#include "harden/options.h"

namespace imgstrip {

std::string apparmor_profile(const HardenInput& input, const std::vector<Capability>& caps,
                             const HardenOptions& options);

// A path as an AppArmor rule writes it: glob characters escaped, `glob` appended as it is
// ("{,**}"), quoted when it holds white space ("/a b" -> "\"/a b\"").
std::string apparmor_path(std::string_view absolute, std::string_view glob = "");

}  // namespace imgstrip
