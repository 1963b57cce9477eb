#include "harden/harden.h"

#include <fmt/format.h>

#include <set>

#include "core/path.h"
#include "harden/apparmor.h"
#include "harden/port_types.h"
#include "harden/selinux_cil.h"
#include "harden/selinux_te.h"

namespace imgstrip {

HardenResult harden(const HardenInput& input, const HardenOptions& options) {
  HardenResult r;
  r.name = input_name(input);
  r.capabilities = derive_capabilities(input, options.add_capabilities);
  r.capabilities_label = capabilities_label(r.capabilities);
  r.writable = writable_dirs(input);

  PortTypes port_types = PortTypes::builtin();
  if (options.port_types) {
    port_types = *options.port_types;
  } else if (options.query_installed_policy) {
    if (auto installed = PortTypes::installed("/etc/selinux", options.policy_cache_dir))
      port_types = *installed;
  }
  r.port_types_source = port_types.source();

  TeModule te = selinux_te(input, r.capabilities, port_types, options);
  r.te = std::move(te.te);
  r.fc = std::move(te.fc);
  r.port_rules = std::move(te.port_rules);
  r.cil = selinux_cil(input, r.capabilities, port_types, options);
  r.cil_templates = cil_templates(input);
  r.apparmor = apparmor_profile(input, r.capabilities, options);

  if (!r.capabilities.empty() || options.empty_capabilities_label) {
    r.labels[kCapabilitiesLabel] = r.capabilities_label;
  }
  r.run.capabilities = split_list(r.capabilities_label, ',');
  r.run.read_only = true;
  for (const WritableDir& w : r.writable)
    r.run.writable.push_back({"/" + w.path, w.volume, w.content});
  r.run.no_new_privileges = !keeps_privileged_programs(input);
  r.run_as_uid = input.run_uid;
  r.health_check = input.health_check;
  for (auto& [key, value] : run_labels(r.run))
    r.labels[key] = value;
  r.labels[kSelinuxTypeLabel] = r.name + "_t";
  r.labels[kSelinuxCilTypeLabel] = r.name + ".process";
  r.labels[kApparmorProfileLabel] = r.name;
  Json omitted = Json::object();
  auto text_label = [&](const char* key, const std::string& text) {
    if (text.size() <= options.max_policy_label_bytes) {
      r.labels[key] = text;
    } else {
      omitted[key] = fmt::format("{} bytes, more than the limit of {}", text.size(),
                                 options.max_policy_label_bytes);
    }
  };
  text_label(kSelinuxTeLabel, r.te);
  text_label(kSelinuxFcLabel, r.fc);
  text_label(kSelinuxCilLabel, r.cil);
  text_label(kApparmorLabel, r.apparmor);

  Json writable = Json::array();
  for (const WritableDir& w : r.writable) {
    writable.push_back({{"path", "/" + w.path},
                        {"reason", w.reason},
                        {"volume", w.volume},
                        {"image_has_files", w.content}});
  }
  r.report = Json::object();
  r.report["name"] = r.name;
  r.report["user"] = input.user;
  r.report["starts_as_root"] = starts_as_root(input.user);
  r.report["syscall_analysis"] = input.syscalls.has_value();
  r.report["capabilities"] = capabilities_json(r.capabilities);
  r.report["capabilities_label"] = r.capabilities_label;
  // podman narrows to the label only within its default set; others need --cap-add.
  static const std::set<std::string> podman_defaults = {
      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "NET_BIND_SERVICE",
      "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};
  Json beyond = Json::array();
  for (const Capability& c : r.capabilities) {
    if (podman_defaults.count(c.name) == 0) beyond.push_back(c.name);
  }
  if (!beyond.empty()) r.report["capabilities_need_cap_add"] = beyond;
  r.report["writable"] = writable;
  r.report["no_new_privileges"] = r.run.no_new_privileges;
  r.report["port_types"] = {{"source", r.port_types_source},
                            {"from_installed_policy", port_types.from_policy()},
                            {"rules", r.port_rules}};
  r.report["selinux"] = {{"type", r.name + "_t"},
                         {"cil_type", r.name + ".process"},
                         {"cil_templates", r.cil_templates}};
  r.report["apparmor"] = {{"profile", r.name}};
  Json label_sizes = Json::object();
  for (const auto& [key, value] : r.labels)
    label_sizes[key] = value.size();
  r.report["label_bytes"] = label_sizes;
  if (!omitted.empty()) r.report["labels_omitted"] = omitted;
  return r;
}

}  // namespace imgstrip
