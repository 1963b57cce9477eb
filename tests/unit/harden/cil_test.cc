// The CIL module compiles with secilc. It inherits udica's templates, which live in
// container-selinux hosts' policy (/usr/share/udica/templates); this machine's reference
// policy has none of them, so the test provides a minimal complete policy instead:
//   - the classes and permissions the module and the templates use (process, capability,
//     capability2, tcp/udp/sctp_socket, file, dir, sock_file, lnk_file, node, key);
//   - one SID, user, role, sensitivity and category (secilc needs a complete policy);
//   - the types and attributes the templates and the module name: domain,
//     container_domain, svirt_sandbox_domain, sandbox_net_domain, file_type, proc_type,
//     proc_t, cpu_online_t, container_runtime_t, container_file_t, node_t and the port
//     types of the built-in table;
//   - `container` (as udica's base_container.cil: a process type and a socket type in the
//     container attributes) and `restricted_net_container` (as net_container.cil: tcp/udp
//     socket rules and node_bind), the latter abstract (udica wraps it in `optional` for
//     the same effect: it is only resolved where inherited).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include "core/tempdir.h"
#include "harden/capabilities.h"
#include "harden/port_types.h"
#include "harden/selinux_cil.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kBasePolicy =
    R"((class process (fork transition sigchld sigkill sigstop signull signal getattr))
(class capability (chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
  linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module
  sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time
  sys_tty_config mknod lease audit_write audit_control setfcap))
(class capability2 (mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf
  checkpoint_restore))
(common socket (ioctl read write create getattr setattr lock append map bind connect listen
  accept getopt setopt shutdown recvfrom sendto name_bind))
(class tcp_socket (node_bind name_connect))
(classcommon tcp_socket socket)
(class udp_socket (node_bind))
(classcommon udp_socket socket)
(class sctp_socket (node_bind name_connect association))
(classcommon sctp_socket socket)
(common file (ioctl read write create getattr setattr lock relabelfrom relabelto append map
  unlink link rename execute open))
(class file (execute_no_trans entrypoint))
(classcommon file file)
(class dir (add_name remove_name reparent search rmdir))
(classcommon dir file)
(class sock_file ())
(classcommon sock_file file)
(class lnk_file ())
(classcommon lnk_file file)
(class node (tcp_recv tcp_send udp_recv udp_send recvfrom sendto))
(class key (view read write search link setattr create))
(classorder (process capability capability2 tcp_socket udp_socket sctp_socket file dir sock_file
  lnk_file node key))
(sid kernel)
(sidorder (kernel))
(user system_u)
(role system_r)
(userrole system_u system_r)
(sensitivity s0)
(sensitivityorder (s0))
(category c0)
(categoryorder (c0))
(sensitivitycategory s0 (c0))
(userlevel system_u (s0))
(userrange system_u ((s0) (s0 (c0))))
(type kernel_t)
(roletype system_r kernel_t)
(sidcontext kernel (system_u system_r kernel_t ((s0) (s0))))
(allow kernel_t self (process (fork)))
(typeattribute domain)
(typeattribute container_domain)
(typeattribute svirt_sandbox_domain)
(typeattribute sandbox_net_domain)
(typeattribute file_type)
(typeattribute proc_type)
(type proc_t)
(typeattributeset proc_type (proc_t))
(type cpu_online_t)
(type container_runtime_t)
(type container_file_t)
(typeattributeset file_type (container_file_t))
(type node_t)
(type http_port_t)
(type http_cache_port_t)
(type mysqld_port_t)
(type dns_port_t)
(type reserved_port_t)
(type hi_reserved_port_t)
(type unreserved_port_t)
(block container
    (type process)
    (type socket)
    (roletype system_r process)
    (typeattributeset domain (process))
    (typeattributeset container_domain (process))
    (typeattributeset svirt_sandbox_domain (process))
    (typeattributeset file_type (socket))
    (allow process socket (sock_file (create open getattr setattr read write rename link unlink)))
    (allow process proc_type (file (getattr open read)))
    (allow process cpu_online_t (file (getattr open read)))
    (allow container_runtime_t process (key (create link read search setattr view write)))
)
(block restricted_net_container
    (blockabstract restricted_net_container)
    (allow process process (tcp_socket (ioctl read getattr lock write setattr append bind connect
      getopt setopt shutdown create listen accept)))
    (allow process process (udp_socket (ioctl read getattr lock write setattr append bind connect
      getopt setopt shutdown create)))
    (allow process node_t (tcp_socket (node_bind)))
    (allow process node_t (udp_socket (node_bind)))
    (allow process node_t (node (tcp_recv tcp_send recvfrom sendto)))
)
)";

// Compiles base + module with secilc into dir/policy.bin.
Run compile(const fs::path& dir, const std::string& module) {
  std::ofstream(dir / "base.cil") << kBasePolicy;
  std::ofstream(dir / "module.cil") << module;
  return run("secilc -o " + (dir / "policy.bin").string() + " -f /dev/null " +
             (dir / "base.cil").string() + " " + (dir / "module.cil").string());
}

std::string cil_for(const HardenInput& in, const HardenOptions& options = {}) {
  return selinux_cil(in, derive_capabilities(in, options.add_capabilities), PortTypes::builtin(),
                     options);
}

}  // namespace

TEST_CASE("the CIL module is udica-shaped", "[harden][cil]") {
  HardenInput in = csvs_web_input();
  in.name = "csvs_web";
  in.volumes = {"/var/www/html/uploads"};
  std::string cil = cil_for(in);
  CHECK(cil.find("(block csvs_web\n    (blockinherit container)\n"
                 "    (blockinherit restricted_net_container)\n") != std::string::npos);
  CHECK(cil.find("(allow process process (capability (chown dac_override fowner kill "
                 "net_bind_service setgid setuid sys_chroot)))") != std::string::npos);
  CHECK(cil.find("(allow process http_port_t (tcp_socket (name_bind)))") != std::string::npos);
  CHECK(cil.find("(allow process container_file_t (dir (") != std::string::npos);
  CHECK(cil_templates(in) == std::vector<std::string>{"base_container.cil", "net_container.cil"});

  HardenInput quiet;
  quiet.image = "batch";
  quiet.user = "app";
  quiet.syscalls = std::set<std::string>{"read"};
  std::string plain = cil_for(quiet);
  CHECK(plain.find("restricted_net_container") == std::string::npos);
  CHECK(plain.find("capability") == std::string::npos);
  CHECK(cil_templates(quiet) == std::vector<std::string>{"base_container.cil"});
}

TEST_CASE("the CIL module compiles with secilc", "[harden][cil]") {
  if (!have_tool("secilc") || !have_tool("sesearch")) {
    FAIL("secilc or sesearch missing (scripts/setup.sh installs secilc and setools)");
  }
  TempDir tmp("harden-cil");
  HardenInput in = csvs_web_input();
  in.name = "csvs_web";
  in.volumes = {"/var/www/html/uploads"};
  HardenOptions options;
  options.connect_ports = {"3306/tcp"};
  options.add_capabilities = {"bpf"};
  std::string cil = cil_for(in, options);
  Run r = compile(tmp.path(), cil);
  INFO(cil);
  INFO(r.output);
  REQUIRE(r.status == 0);
  Run search = run("sesearch -A -s csvs_web.process " + (tmp.path() / "policy.bin").string());
  INFO(search.output);
  CHECK(search.output.find("allow csvs_web.process http_port_t:tcp_socket name_bind;") !=
        std::string::npos);
  CHECK(search.output.find("allow csvs_web.process mysqld_port_t:tcp_socket name_connect;") !=
        std::string::npos);
  CHECK(search.output.find("allow csvs_web.process csvs_web.process:capability2 bpf;") !=
        std::string::npos);
  // Inherited from the templates.
  CHECK(search.output.find("allow csvs_web.process node_t:tcp_socket node_bind;") !=
        std::string::npos);

  SECTION("a UDP service without capabilities") {
    HardenInput dns;
    dns.image = "dns";
    dns.user = "app";
    dns.exposed_ports = {"5353/udp", "53/udp"};
    dns.syscalls = std::set<std::string>{"bind"};
    Run d = compile(tmp.path(), cil_for(dns));
    INFO(d.output);
    CHECK(d.status == 0);
  }
  SECTION("control: a port type the policy lacks is refused") {
    std::string bad = std::regex_replace(cil, std::regex("http_port_t"), "no_such_port_t");
    CHECK(compile(tmp.path(), bad).status != 0);
  }
}
