#include "harden/selinux_te.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "core/text.h"
#include "harden/av_rules.h"
#include "harden/writable.h"

namespace imgstrip {
namespace {

const std::set<std::string> kReadFile = {"read", "open", "getattr", "map", "ioctl", "lock"};
const std::set<std::string> kExecFile = {"read",  "open", "getattr", "map",
                                         "ioctl", "lock", "execute", "execute_no_trans"};
const std::set<std::string> kReadDir = {"read", "open", "getattr", "search", "ioctl", "lock"};
const std::set<std::string> kManageDir = {
    "create",   "read",        "write", "open",   "getattr",  "setattr", "search",
    "add_name", "remove_name", "rmdir", "rename", "reparent", "ioctl",   "lock"};
const std::set<std::string> kManageFile = {"create",  "read",    "write",  "append", "open",
                                           "getattr", "setattr", "unlink", "rename", "link",
                                           "lock",    "ioctl",   "map"};
const std::set<std::string> kManageLink = {"create",  "read",   "getattr",
                                           "setattr", "unlink", "rename"};
const std::set<std::string> kManageSock = {"create",  "read",    "write",  "append", "open",
                                           "getattr", "setattr", "unlink", "rename"};

bool reachable(const HardenInput& input, std::initializer_list<std::string_view> names) {
  if (!input.syscalls) return true;
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) {
    return input.syscalls->count(std::string(n)) != 0;
  });
}

// A path as a .fc regular expression: regex characters escaped.
std::string fc_regex(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (std::string_view(".^$*+?()[]{}|\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Rules every confined application needs: its own process, pipes, unix sockets, /proc,
// /dev/null and the random devices.
void process_rules(AvRules& r, const std::string& t, const HardenInput& input) {
  std::set<std::string> process = {"fork",    "sigchld",  "signal",  "signull", "sigkill",
                                   "sigstop", "getsched", "getpgid", "setpgid", "getcap"};
  if (reachable(input, {"setrlimit", "prlimit64"})) process.insert("setrlimit");
  if (reachable(input, {"sched_setscheduler", "sched_setparam", "sched_setattr", "setpriority"})) {
    process.insert("setsched");
  }
  if (reachable(input, {"capset"})) process.insert("setcap");
  r.allow(t, "self", "process", process);
  r.allow(t, "self", "fifo_file", {"read", "write", "getattr", "ioctl", "lock", "append", "open"});
  r.allow(t, "self", "unix_stream_socket",
          {"create", "connect", "bind", "listen", "accept", "read", "write", "getattr", "setattr",
           "getopt", "setopt", "shutdown", "connectto", "ioctl", "lock", "append"});
  r.allow(t, "self", "unix_dgram_socket",
          {"create", "connect", "bind", "read", "write", "getattr", "setattr", "getopt", "setopt",
           "shutdown", "sendto", "ioctl", "lock", "append"});
  r.allow(t, "self", "dir", {"search", "getattr", "read", "open"});  // /proc/PID
  r.allow(t, "self", "file", {"read", "open", "getattr"});
  r.allow(t, "self", "lnk_file", {"read", "getattr"});
  r.allow(t, "proc_t", "dir", {"search", "getattr", "read", "open"});
  r.allow(t, "proc_t", "file", {"read", "open", "getattr"});
  r.allow(t, "proc_t", "lnk_file", {"read", "getattr"});
  r.allow(t, "sysctl_t", "dir", {"search", "getattr"});
  r.allow(t, "sysctl_kernel_t", "file", {"read", "open", "getattr"});
  r.allow(t, "null_device_t", "chr_file",
          {"read", "write", "open", "getattr", "ioctl", "append", "lock"});
  r.allow(t, "urandom_device_t", "chr_file", {"read", "open", "getattr", "ioctl"});
  r.allow(t, "random_device_t", "chr_file", {"read", "open", "getattr", "ioctl"});
}

void manage_rules(AvRules& r, const std::string& t, const std::string& type) {
  r.allow(t, type, "dir", kManageDir);
  r.allow(t, type, "file", kManageFile);
  r.allow(t, type, "lnk_file", kManageLink);
  r.allow(t, type, "sock_file", kManageSock);
  r.allow(t, type, "fifo_file", kManageSock);
}

std::string require_block(const AvRules& rules, const std::set<std::string>& declared,
                          const std::set<std::string>& extra_types,
                          const std::vector<std::string>& attributes, bool role,
                          std::string_view indent) {
  std::string out = fmt::format("{}require {{\n", indent);
  for (const std::string& a : attributes)
    out += fmt::format("{}\tattribute {};\n", indent, a);
  if (role) out += fmt::format("{}\trole system_r;\n", indent);
  std::set<std::string> types = rules.types();
  types.insert(extra_types.begin(), extra_types.end());
  for (const std::string& type : types) {
    if (declared.count(type) == 0) out += fmt::format("{}\ttype {};\n", indent, type);
  }
  for (const auto& [cls, perms] : rules.classes()) {
    out += fmt::format("{}\tclass {} {};\n", indent, cls, te_set(perms));
  }
  out += fmt::format("{}}}\n", indent);
  return out;
}

}  // namespace

bool in_capability2(std::string_view name) {
  constexpr std::array<std::string_view, 9> cap2 = {
      "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",        "BLOCK_SUSPEND",
      "AUDIT_READ",   "PERFMON",   "BPF",    "CHECKPOINT_RESTORE"};
  return std::find(cap2.begin(), cap2.end(), name) != cap2.end();
}

TeModule selinux_te(const HardenInput& input, const std::vector<Capability>& caps,
                    const PortTypes& port_types, const HardenOptions& options) {
  const std::string name = input_name(input);
  const std::string t = name + "_t";
  const std::string exec_t = name + "_exec_t";
  const std::string file_t = name + "_file_t";
  const std::string rw_t = name + "_rw_t";
  const std::vector<WritableDir> writable = writable_dirs(input);
  TeModule out;

  AvRules r;
  process_rules(r, t, input);
  std::set<std::string> cap, cap2;
  for (const Capability& c : caps)
    (in_capability2(c.name) ? cap2 : cap).insert(c.lower());
  r.allow(t, "self", "capability", cap);
  r.allow(t, "self", "capability2", cap2);

  // Listening sockets: node_bind on any address, name_bind on each port's type.
  const std::set<std::string> socket_perms = {"create", "bind",     "listen",  "accept",  "connect",
                                              "read",   "write",    "getattr", "setattr", "getopt",
                                              "setopt", "shutdown", "ioctl",   "lock",    "append"};
  for (const Port& p : ports(input)) {
    std::string cls = p.protocol + "_socket";
    std::set<std::string> perms = socket_perms;
    if (p.protocol == "udp") {
      perms.erase("listen");
      perms.erase("accept");
    }
    std::string type = port_types.type_of(p);
    r.allow(t, "self", cls, perms);
    r.allow(t, "node_t", cls, {"node_bind"});
    r.allow(t, type, cls, {"name_bind"});
    out.port_rules.push_back(fmt::format("{} {}", p.text(), type));
  }
  for (const std::string& text : options.connect_ports) {
    Port p = parse_port(text);
    std::string cls = p.protocol + "_socket";
    r.allow(t, "self", cls,
            {"create", "connect", "read", "write", "getattr", "getopt", "setopt", "shutdown"});
    if (p.protocol != "udp") r.allow(t, port_types.type_of(p), cls, {"name_connect"});
    out.port_rules.push_back(fmt::format("connect {} {}", p.text(), port_types.type_of(p)));
  }

  // The application's own files: executables (entry points), read-only files, and the
  // read-write state (volumes, log, run, cache directories).
  r.allow(t, exec_t, "file", kExecFile);
  r.allow(t, exec_t, "file", {"entrypoint"});
  r.allow(t, file_t, "dir", kReadDir);
  r.allow(t, file_t, "file", kExecFile);
  r.allow(t, file_t, "lnk_file", {"read", "getattr"});
  manage_rules(r, t, rw_t);

  // Hosts with container-selinux: podman starts the process from conmon
  // (container_runtime_t) and labels the image's files container_file_t.
  AvRules container;
  container.allow("container_runtime_t", t, "process",
                  {"transition", "signal", "sigkill", "sigstop", "signull", "sigchld", "getattr"});
  container.allow(t, "container_runtime_t", "process", {"sigchld"});
  container.allow(t, "container_runtime_t", "fd", {"use"});
  container.allow(t, "container_runtime_t", "fifo_file",
                  {"read", "write", "getattr", "ioctl", "append", "lock", "open"});
  container.allow(t, "container_runtime_t", "unix_stream_socket",
                  {"read", "write", "getattr", "ioctl", "append"});
  container.allow(t, "container_file_t", "file", kExecFile);
  container.allow(t, "container_file_t", "file", {"entrypoint"});
  container.allow(t, "container_file_t", "dir", kReadDir);
  container.allow(t, "container_file_t", "lnk_file", {"read", "getattr"});
  container.allow(t, "container_file_t", "chr_file", {"read", "write", "open", "getattr", "ioctl"});
  if (!writable.empty()) manage_rules(container, t, "container_file_t");

  // Classes used only in the optional block are required globally too (every policy has
  // them); its types are required inside it.
  AvRules all_classes = r;
  for (const auto& [cls, perms] : container.classes())
    all_classes.allow(t, "self", cls, perms);

  std::string te;
  te += fmt::format("# {}.te: SELinux policy module for the image {}, generated by imgstrip.\n",
                    name, one_line(input.image.empty() ? name : input.image));
  te += "# Plain module language (no refpolicy macros): checkmodule -M -m compiles it.\n";
  te += fmt::format("# Run the container with: podman run --security-opt label=type:{} ...\n", t);
  te += fmt::format("# Port types: {}.\n", port_types.source());
  for (const Capability& c : caps) {
    for (const std::string& reason : c.reasons)
      te += fmt::format("# CAP_{}: {}\n", c.name, one_line(reason));
  }
  for (const WritableDir& w : writable)
    te += fmt::format("# writable /{}: {}\n", one_line(w.path), one_line(w.reason));
  te += fmt::format("\nmodule {} 1.0;\n\n", name);
  te += require_block(all_classes, {t, exec_t, file_t, rw_t, "self"}, {},
                      {"domain", "file_type", "exec_type"}, true, "");
  te += "\n# The process type (a domain) and the file types of the application.\n";
  te += fmt::format("type {};\n", t);
  te += fmt::format("typeattribute {} domain;\n", t);
  te += fmt::format("role system_r types {};\n", t);
  te += fmt::format("type {};\n", exec_t);
  te += fmt::format("typeattribute {} file_type, exec_type;\n", exec_t);
  te += fmt::format("type {};\n", file_t);
  te += fmt::format("typeattribute {} file_type;\n", file_t);
  te += fmt::format("type {};\n", rw_t);
  te += fmt::format("typeattribute {} file_type;\n\n", rw_t);
  te += r.te("");
  te += "\n# Only on hosts with container-selinux (podman's types); skipped elsewhere.\n";
  te += "optional {\n";
  {
    std::set<std::string> types = container.types();
    te += "\trequire {\n";
    for (const std::string& type : types) {
      if (type != t) te += fmt::format("\t\ttype {};\n", type);
    }
    te += "\t}\n";
  }
  te += container.te("\t");
  te += "}\n";
  out.te = te;

  // File contexts for host directories mounted as the volumes and state directories.
  std::string fc = fmt::format(
      "# {}.fc: host directories to mount as the image's writable directories.\n"
      "# mkdir -p them, restorecon -R {}/{}, then podman run -v HOSTDIR:PATH ...\n",
      name, options.fc_root, name);
  for (const WritableDir& w : writable) {
    // The columns of a .fc line are separated by white space; a path with white space or
    // control characters in it cannot be one.
    if (w.path.find(' ') != std::string::npos || has_control(w.path)) {
      fc += fmt::format("# /{}: skipped (white space or control characters in the path)\n",
                        one_line(w.path));
      continue;
    }
    fc += fmt::format("{}/{}/{}(/.*)?\tsystem_u:object_r:{}:s0\n", fc_regex(options.fc_root), name,
                      fc_regex(w.path), rw_t);
  }
  out.fc = fc;
  return out;
}

}  // namespace imgstrip
