// The `docker run` / `podman run` flags that enforce a stripped image's hardening. Docker
// ignores the io.containers.* labels, so a docker user passes the seccomp profile as a
// file and the capabilities as --cap-drop ALL --cap-add ...; podman can take both from the
// labels, and gets the same flags spelled out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

enum class RunEngine { Docker, Podman };

// `capabilities_label` as in io.containers.capabilities ("CHOWN,SETUID", "" for none);
// `seccomp_file` the profile written to a file, if any; `seccomp_label` whether the image
// carries io.containers.seccomp.profile (podman: --seccomp-policy=image reads it).
std::vector<std::string> run_flags(RunEngine engine, std::string_view capabilities_label,
                                   const std::optional<std::string>& seccomp_file,
                                   bool seccomp_label);

// The words joined for a shell: single-quoted where a word has anything but
// [A-Za-z0-9_./:=,@%+-].
std::string shell_words(const std::vector<std::string>& words);

}  // namespace imgstrip
