#include "harden/run_args.h"

#include "core/path.h"

#include <algorithm>

namespace imgstrip {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items)
    out += (out.empty() ? "" : ",") + i;
  return out;
}

// Temporary directories keep exec (programs unpack native code there: the JVM, libffi);
// the others are noexec, as docker and podman make a tmpfs by default.
bool temporary(std::string_view path) {
  return path == "/tmp" || path == "/var/tmp";
}

}  // namespace

std::map<std::string, std::string> run_labels(const RunConfig& config) {
  std::map<std::string, std::string> labels;
  if (!config.read_only) return labels;
  std::vector<std::string> all, content;
  for (const WritableMount& w : config.writable) {
    all.push_back(w.path);
    if (w.content && !w.volume) content.push_back(w.path);
  }
  labels[kWritableLabel] = join(all);
  if (!content.empty()) labels[kWritableContentLabel] = join(content);
  labels[kNoNewPrivilegesLabel] = config.no_new_privileges ? "true" : "false";
  return labels;
}

RunConfig run_config_from_labels(const std::map<std::string, std::string>& labels,
                                 const std::vector<std::string>& volumes) {
  RunConfig config;
  auto get = [&](std::string_view key) -> std::string {
    auto it = labels.find(std::string(key));
    return it == labels.end() ? "" : it->second;
  };
  config.seccomp_label = !get("io.containers.seccomp.profile").empty();
  config.capabilities = split_list(get("io.containers.capabilities"), ',');
  if (labels.contains(kWritableLabel)) {
    config.read_only = true;
    std::vector<std::string> content = split_list(get(kWritableContentLabel), ',');
    for (const std::string& p : split_list(get(kWritableLabel), ',')) {
      if (p.empty() || p[0] != '/') continue;
      bool filled = std::find(content.begin(), content.end(), p) != content.end();
      bool volume = std::any_of(volumes.begin(), volumes.end(),
                                [&](const std::string& v) { return v == p || v == p + "/"; });
      config.writable.push_back({p, volume, filled});
    }
    config.no_new_privileges = get(kNoNewPrivilegesLabel) == "true";
  }
  return config;
}

std::vector<std::string> run_flags(RunEngine engine, const RunConfig& config) {
  std::vector<std::string> out;
  if (config.seccomp_file) {
    out.push_back("--security-opt");
    out.push_back("seccomp=" + *config.seccomp_file);
  } else if (engine == RunEngine::Podman && config.seccomp_label) {
    out.push_back("--seccomp-policy=image");
  }
  out.push_back("--cap-drop");
  out.push_back("ALL");
  for (const std::string& cap : config.capabilities) {
    out.push_back("--cap-add");
    out.push_back(cap);
  }
  if (config.no_new_privileges) {
    out.push_back("--security-opt");
    out.push_back("no-new-privileges");
  }
  if (config.read_only) {
    out.push_back("--read-only");
    for (const WritableMount& w : config.writable) {
      if (w.volume) continue;  // the engine mounts declared volumes by itself
      if (w.content) {
        out.push_back("--volume");
        out.push_back(w.path);
      } else {
        out.push_back("--tmpfs");
        out.push_back(temporary(w.path) ? w.path + ":rw,exec,nosuid,nodev" : w.path);
      }
    }
  }
  return out;
}

std::string shell_words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    bool plain = !w.empty();
    for (char c : w) {
      auto u = static_cast<unsigned char>(c);
      bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                std::string_view("_./:=,@%+-").find(c) != std::string_view::npos;
      if (!ok) plain = false;
    }
    if (plain) {
      out += w;
      continue;
    }
    out += '\'';
    for (char c : w) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

}  // namespace imgstrip
