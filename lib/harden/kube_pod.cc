#include "harden/kube_pod.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/text.h"
#include "harden/yaml_text.h"

namespace imgstrip {

std::string dns_label(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ok) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out.empty() ? "imgstrip" : out;
}

std::string kube_pod(const RunConfig& config, const PodSettings& s) {
  std::string name = dns_label(s.name);
  std::string profile =
      s.localhost_profile ? "localhost/" + *s.localhost_profile : "runtime/default";
  std::string y = "# Written by imgstrip: the stripped image under its hardening.\n";
  y += "apiVersion: v1\nkind: Pod\nmetadata:\n";
  y += fmt::format("  name: {}\n", yaml_quote(name));
  // The annotation is what podman kube play and Kubernetes before 1.19 read.
  y += "  annotations:\n";
  y += fmt::format("    {}: {}\n",
                   yaml_quote("container.seccomp.security.alpha.kubernetes.io/" + name),
                   yaml_quote(profile));
  y += "spec:\n  containers:\n";
  y += fmt::format("    - name: {}\n      image: {}\n", yaml_quote(name), yaml_quote(s.image));
  y += "      securityContext:\n";
  y += "        seccompProfile:\n";
  if (s.localhost_profile) {
    y += "          type: Localhost\n";
    y += fmt::format("          localhostProfile: {}\n", yaml_quote(*s.localhost_profile));
  } else {
    y += "          type: RuntimeDefault\n";
  }
  y += "        capabilities:\n          drop:\n            - \"ALL\"\n";
  if (!config.capabilities.empty()) {
    y += "          add:\n";
    for (const std::string& c : config.capabilities)
      y += fmt::format("            - {}\n", yaml_quote(c));
  }
  if (config.read_only) y += "        readOnlyRootFilesystem: true\n";
  y += fmt::format("        allowPrivilegeEscalation: {}\n",
                   config.no_new_privileges ? "false" : "true");
  if (s.run_as_uid) {
    y += fmt::format("        runAsNonRoot: true\n        runAsUser: {}\n", *s.run_as_uid);
  }
  if (s.liveness) {
    // Whole seconds, at least 1 (Kubernetes' unit and minimum).
    auto seconds = [](std::optional<int64_t> ns, int64_t fallback) {
      if (!ns) return fallback;
      return std::max<int64_t>(1, (*ns + 999'999'999) / 1'000'000'000);
    };
    y += "      # The image's HEALTHCHECK, which Kubernetes ignores: the kubelet runs these words\n"
         "      # as written (podman kube play 4.3 joins them into one sh -c text instead).\n";
    y += "      livenessProbe:\n        exec:\n          command:\n";
    for (const std::string& w : s.liveness->command)
      y += fmt::format("            - {}\n", yaml_quote(w));
    y += fmt::format("        periodSeconds: {}\n", seconds(s.liveness->interval_ns, 30));
    y += fmt::format("        timeoutSeconds: {}\n", seconds(s.liveness->timeout_ns, 30));
    y += fmt::format("        failureThreshold: {}\n", s.liveness->retries.value_or(3));
    if (s.liveness->start_period_ns)
      y +=
          fmt::format("        initialDelaySeconds: {}\n", seconds(s.liveness->start_period_ns, 0));
  }
  std::vector<const WritableMount*> mounts;
  if (config.read_only) {
    for (const WritableMount& w : config.writable)
      mounts.push_back(&w);
  }
  if (!mounts.empty()) {
    y += "      volumeMounts:\n";
    for (size_t i = 0; i < mounts.size(); ++i)
      y += fmt::format("        - name: \"writable-{}\"\n          mountPath: {}\n", i,
                       yaml_quote(mounts[i]->path));
    y += "  volumes:\n";
    for (size_t i = 0; i < mounts.size(); ++i) {
      y += fmt::format("    - name: \"writable-{}\"\n", i);
      if (mounts[i]->content) {
        y += fmt::format(
            "      # {} has files in the image: an emptyDir starts empty on Kubernetes\n"
            "      # (podman kube play fills it); copy them in with an init container there.\n",
            one_line(mounts[i]->path));
        y += "      emptyDir: {}\n";
      } else {
        y += "      emptyDir:\n        medium: \"Memory\"\n";
      }
    }
  }
  return y;
}

}  // namespace imgstrip
