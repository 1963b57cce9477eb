// Locked-down files: the modes and owners of a stripped tree narrowed to what the
// application needs. Each rule says one thing:
//   setid        setuid/setgid bits go, unless the image starts as a non-root user and
//                something it runs is the setid program (then the bit is what makes it work)
//   world        no world-writable entry, except directories with the sticky bit (/tmp)
//   exec         execute bits stay on ELF files, #! scripts and what the image runs;
//                data and configuration lose them
//   owner        when the image runs as a non-root user, what that user owns outside the
//                writable directories goes to root, and loses group write for the
//                user's group
// Every change is recorded (path, before, after, why) for the report.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fs/tree.h"
#include "harden/writable.h"
#include "oci/manifest.h"

namespace imgstrip {

struct LockdownInput {
  std::string user;  // the config's User ("", "root", "www-data", "33:33")
  std::vector<WritableDir> writable;
  // Paths something in the image executes (the entrypoint, commands of kept scripts,
  // #! interpreters), each with why: "entrypoint", "command of usr/local/bin/start".
  std::map<std::string, std::string> executed;
};

struct ModeChange {
  std::string path;  // relative, no leading '/'
  uint32_t mode_before = 0, mode_after = 0;
  uint32_t uid_before = 0, uid_after = 0;
  uint32_t gid_before = 0, gid_after = 0;
  std::string why;  // "setuid bit: nothing runs it as a non-root user"
};

struct Lockdown {
  std::vector<ModeChange> changes;  // sorted by path; one per changed entry
  // setid programs that keep their bit, with why.
  std::map<std::string, std::string> setid_kept;
  // Executable entries that keep their bits under etc/ or usr/share/, with why.
  std::map<std::string, std::string> exec_kept_in_data_dirs;
  // The user's ids, when the image runs as a non-root user found in etc/passwd (or
  // given numerically).
  std::optional<uint32_t> run_uid, run_gid;
  std::vector<std::string> notes;  // e.g. a User not in etc/passwd

  Json json() const;
};

// Applies the rules to the entries of `tree` at `paths` (regular files need their contents
// for the exec rule: one without stored contents keeps its exec bits) and returns what
// changed.
Lockdown lock_down(FileTree& tree, const std::set<std::string>& paths, const LockdownInput& input);

}  // namespace imgstrip
