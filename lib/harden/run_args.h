// How to run a stripped image so that its hardening is enforced: the seccomp profile, the
// capabilities, a read-only root with the writable paths mounted, no new privileges. One
// RunConfig, written three ways: `docker run` / `podman run` flags (run_flags), a compose
// service (compose.h) and a Kubernetes Pod (kube_pod.h). Docker ignores the
// io.containers.* labels, so a docker user passes the profile as a file and the
// capabilities as --cap-drop ALL --cap-add ...; podman can take both from the labels.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

enum class RunEngine { Docker, Podman };

struct WritableMount {
  std::string path;     // absolute ("/var/log/nginx")
  bool volume = false;  // declared in the image config: the engine mounts one by itself
  // The image has files there: mounted as an anonymous volume (which the engine fills from
  // the image) rather than as an empty tmpfs.
  bool content = false;
};

struct RunConfig {
  std::optional<std::string> seccomp_file;  // the profile as a file
  bool seccomp_label = false;               // io.containers.seccomp.profile is set
  std::vector<std::string> capabilities;    // "CHOWN"; everything else dropped
  // Whether the writable paths are known: then the root is read-only and each path that
  // is not a declared volume gets a tmpfs (or a volume, see WritableMount::content).
  bool read_only = false;
  std::vector<WritableMount> writable;
  // --security-opt no-new-privileges; off when a kept setid program must work.
  bool no_new_privileges = false;
};

// The labels that carry what a RunConfig needs beyond seccomp and capabilities.
inline constexpr const char* kWritableLabel = "io.imgstrip.writable";  // "/run,/tmp"
// Of those, the ones the image fills (a volume, not a tmpfs).
inline constexpr const char* kWritableContentLabel = "io.imgstrip.writable.content";
// "true" when no kept program needs setuid/setgid or file capabilities to work.
inline constexpr const char* kNoNewPrivilegesLabel = "io.imgstrip.no-new-privileges";

// The labels for `config` (without the seccomp and capabilities labels).
std::map<std::string, std::string> run_labels(const RunConfig& config);
// A RunConfig from an image's labels and its config's declared volumes ("/data"); the
// seccomp file is left unset.
RunConfig run_config_from_labels(const std::map<std::string, std::string>& labels,
                                 const std::vector<std::string>& volumes);

std::vector<std::string> run_flags(RunEngine engine, const RunConfig& config);

// The words joined for a shell: single-quoted where a word has anything but
// [A-Za-z0-9_./:=,@%+-].
std::string shell_words(const std::vector<std::string>& words);

}  // namespace imgstrip
