#include "harden/capabilities.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>
#include <optional>

#include <fmt/ranges.h>

#include "core/error.h"
#include "core/path.h"
#include "core/text.h"
#include "harden/file_caps.h"
#include "harden/writable.h"

namespace imgstrip {
namespace {

// Linux capabilities (include/uapi/linux/capability.h), 0..40.
constexpr std::array<std::string_view, 41> kCapabilities = {"CHOWN",
                                                            "DAC_OVERRIDE",
                                                            "DAC_READ_SEARCH",
                                                            "FOWNER",
                                                            "FSETID",
                                                            "KILL",
                                                            "SETGID",
                                                            "SETUID",
                                                            "SETPCAP",
                                                            "LINUX_IMMUTABLE",
                                                            "NET_BIND_SERVICE",
                                                            "NET_BROADCAST",
                                                            "NET_ADMIN",
                                                            "NET_RAW",
                                                            "IPC_LOCK",
                                                            "IPC_OWNER",
                                                            "SYS_MODULE",
                                                            "SYS_RAWIO",
                                                            "SYS_CHROOT",
                                                            "SYS_PTRACE",
                                                            "SYS_PACCT",
                                                            "SYS_ADMIN",
                                                            "SYS_BOOT",
                                                            "SYS_NICE",
                                                            "SYS_RESOURCE",
                                                            "SYS_TIME",
                                                            "SYS_TTY_CONFIG",
                                                            "MKNOD",
                                                            "LEASE",
                                                            "AUDIT_WRITE",
                                                            "AUDIT_CONTROL",
                                                            "SETFCAP",
                                                            "MAC_OVERRIDE",
                                                            "MAC_ADMIN",
                                                            "SYSLOG",
                                                            "WAKE_ALARM",
                                                            "BLOCK_SUSPEND",
                                                            "AUDIT_READ",
                                                            "PERFMON",
                                                            "BPF",
                                                            "CHECKPOINT_RESTORE"};

// "setuid, setresuid reachable", "no syscall analysis: assumed reachable", or nullopt when
// none of `names` is in the allowed set.
std::optional<std::string> reachable(const HardenInput& input,
                                     std::initializer_list<std::string_view> names) {
  if (!input.syscalls) return "no syscall analysis, so assumed reachable";
  std::vector<std::string> found;
  for (std::string_view n : names) {
    if (input.syscalls->count(std::string(n)) != 0) found.emplace_back(n);
  }
  if (found.empty()) return std::nullopt;
  return fmt::format("{} reachable", fmt::join(found, ", "));
}

// Whether root, without DAC_OVERRIDE, is denied what it needs on `k`: read (and search
// for a directory), plus write when `write`. Root is the owner only of uid 0 files; for
// others its access comes from the group bits (gid 0) or the other bits.
bool denied_to_root(const KeptPath& k, bool write) {
  if (k.uid == 0) return false;
  if (k.type != FileType::Directory && k.type != FileType::Regular) return false;
  uint32_t bits = k.gid == 0 ? (k.mode >> 3) & 7 : k.mode & 7;
  uint32_t need = 4;  // read
  if (k.type == FileType::Directory) need |= 1;
  if (write) need |= 2;
  return (bits & need) != need;
}

std::string some_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> shown(paths.begin(), paths.begin() + std::min<size_t>(paths.size(), 3));
  std::string text = fmt::format("{}", fmt::join(shown, ", "));
  if (paths.size() > shown.size()) text += fmt::format(" and {} more", paths.size() - 3);
  return text;
}

std::string describe(const KeptPath& k) {
  return fmt::format("/{} (uid {}, mode {:04o})", k.path, k.uid, k.mode & 07777);
}

}  // namespace

std::string Capability::lower() const {
  return ascii_lower(name);
}

std::string capability_name(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper.starts_with("CAP_")) upper.erase(0, 4);
  if (std::find(kCapabilities.begin(), kCapabilities.end(), upper) == kCapabilities.end()) {
    fail("{:?} is not a Linux capability", name);
  }
  return upper;
}

std::vector<Capability> derive_capabilities(const HardenInput& input,
                                            const std::vector<std::string>& add) {
  std::map<std::string, std::vector<std::string>> caps;
  const bool root = starts_as_root(input.user);
  const std::string who = input.user.empty()
                              ? "the image starts as root (no User)"
                              : fmt::format("the image starts as root (User {:?})", input.user);

  std::vector<std::string> setid;
  for (const KeptPath& k : input.kept) {
    if (k.setid()) setid.push_back("/" + k.path);
  }
  const bool setid_kept = keeps_setid_binaries(input);
  const std::string setid_text =
      setid.empty() ? "setuid/setgid binaries are kept"
                    : fmt::format("setuid/setgid binaries are kept ({})", some_paths(setid));

  auto uid_calls = reachable(input, {"setuid", "setreuid", "setresuid", "setfsuid", "setuid32",
                                     "setreuid32", "setresuid32", "setfsuid32"});
  auto gid_calls =
      reachable(input, {"setgid", "setregid", "setresgid", "setfsgid", "setgroups", "setgid32",
                        "setregid32", "setresgid32", "setfsgid32", "setgroups32"});
  if (uid_calls && root) caps["SETUID"].push_back(fmt::format("{} and {}", who, *uid_calls));
  if (uid_calls && setid_kept) {
    caps["SETUID"].push_back(fmt::format("{} and {}", setid_text, *uid_calls));
  }
  if (gid_calls && root) caps["SETGID"].push_back(fmt::format("{} and {}", who, *gid_calls));
  if (gid_calls && setid_kept) {
    caps["SETGID"].push_back(fmt::format("{} and {}", setid_text, *gid_calls));
  }

  if (root) {
    if (auto r = reachable(
            input, {"chown", "fchown", "lchown", "fchownat", "chown32", "fchown32", "lchown32"})) {
      caps["CHOWN"].push_back(fmt::format("{} and {}", who, *r));
    }

    const std::vector<WritableDir> writable = writable_dirs(input);
    auto in_writable = [&](const KeptPath& k) {
      return std::any_of(writable.begin(), writable.end(),
                         [&](const WritableDir& w) { return inside(k.path, w.path); });
    };
    std::vector<std::string> denied;
    std::vector<std::string> foreign;  // in a writable dir, owned by another user
    for (const KeptPath& k : input.kept) {
      bool w = in_writable(k);
      if (denied_to_root(k, w)) denied.push_back(describe(k));
      if (w && k.uid != 0) foreign.push_back(describe(k));
    }
    if (!denied.empty()) {
      if (auto r = reachable(input, {"open", "openat", "openat2", "creat", "mkdir", "mkdirat"})) {
        caps["DAC_OVERRIDE"].push_back(
            fmt::format("{}, {}, and the mode bits of {} deny root access it needs", who, *r,
                        some_paths(denied)));
      }
    }
    if (!foreign.empty()) {
      if (auto r = reachable(input, {"chmod", "fchmod", "fchmodat", "fchmodat2", "utimensat",
                                     "utimes", "utime", "futimesat"})) {
        caps["FOWNER"].push_back(fmt::format(
            "{}, {}, and writable paths belong to another user: {}", who, *r, some_paths(foreign)));
      }
    }
    if (caps.count("SETUID") != 0) {
      if (auto r = reachable(input, {"kill", "tgkill", "tkill", "rt_sigqueueinfo",
                                     "rt_tgsigqueueinfo", "pidfd_send_signal"})) {
        caps["KILL"].push_back(fmt::format(
            "{}, {}, and the process drops to another uid (SETUID): a root master signals "
            "worker processes of another user, as nginx and php-fpm do",
            who, *r));
      }
    }
  }

  std::vector<std::string> low_ports;
  for (const Port& p : ports(input)) {
    if (p.number < 1024) low_ports.push_back(p.text());
  }
  if (!low_ports.empty()) {
    std::string text = fmt::format("exposes {} (below 1024)", fmt::join(low_ports, ", "));
    if (!root) text += "; a non-root user needs it as an ambient or file capability";
    caps["NET_BIND_SERVICE"].push_back(text);
  }

  if (root || setid_kept) {
    if (auto r = reachable(input, {"chroot"})) {
      caps["SYS_CHROOT"].push_back(fmt::format("{} and {}", root ? who : setid_text, *r));
    }
  }

  // A kept program with file capabilities gets them at exec only within the bounding set
  // (and, marked effective, does not start without all of them).
  for (const KeptPath& k : input.kept) {
    if (k.type != FileType::Regular || !k.file_caps) continue;
    for (unsigned n : capability_numbers(k.file_caps->permitted)) {
      if (n >= kCapabilities.size()) continue;  // newer than this table: no name to give
      caps[std::string(kCapabilities[n])].push_back(fmt::format(
          "/{} has the file capability cap_{}{} (security.capability): it is "
          "granted at exec only within the bounding set",
          k.path, ascii_lower(kCapabilities[n]), k.file_caps->effective ? "+ep" : "+p"));
    }
  }

  for (const std::string& name : add)
    caps[capability_name(name)].push_back("requested");

  std::vector<Capability> out;
  for (auto& [name, reasons] : caps)
    out.push_back({name, std::move(reasons)});
  return out;
}

std::string capabilities_label(const std::vector<Capability>& caps) {
  std::vector<std::string> names;
  for (const Capability& c : caps)
    names.push_back(c.name);
  return fmt::format("{}", fmt::join(names, ","));
}

Json capabilities_json(const std::vector<Capability>& caps) {
  Json out = Json::array();
  for (const Capability& c : caps) {
    out.push_back({{"name", "CAP_" + c.name}, {"reasons", c.reasons}});
  }
  return out;
}

}  // namespace imgstrip
