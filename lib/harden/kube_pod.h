// A Kubernetes Pod (pod.yaml) that runs a stripped image under its hardening: a
// securityContext with the seccomp profile (type Localhost, a path below the kubelet's
// seccomp root), capabilities drop ALL / add, readOnlyRootFilesystem,
// allowPrivilegeEscalation false and, when the image runs as a non-root user,
// runAsNonRoot with its uid; an emptyDir on each writable path. Proven in the tests with
// `podman kube play`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harden/run_args.h"
#include "oci/healthcheck.h"

namespace imgstrip {

struct PodSettings {
  std::string name;   // the policy name; made a DNS label ("csvs2021_web_i" -> "csvs2021-web-i")
  std::string image;  // the image reference
  // The profile below the kubelet's seccomp root ("NAME.seccomp.json": one file name, as
  // podman kube play 4.3 reads only the first component of a longer path); nullopt:
  // RuntimeDefault.
  std::optional<std::string> localhost_profile;
  std::optional<uint32_t> run_as_uid;  // the image's non-root user, when known
  // The image's HEALTHCHECK: Kubernetes ignores it, so the Pod says it as a livenessProbe
  // (exec of the same argv; interval, timeout, retries and start period as periodSeconds,
  // timeoutSeconds, failureThreshold and initialDelaySeconds, Docker's defaults when unset).
  std::optional<Healthcheck> liveness;
};

std::string kube_pod(const RunConfig& config, const PodSettings& settings);

// `name` as a Kubernetes object name: lower case, [a-z0-9-], at most 63 characters,
// starting and ending with an alphanumeric ("imgstrip" when nothing is left).
std::string dns_label(std::string_view name);

}  // namespace imgstrip
