// The SELinux modules against the real tool chains: checkmodule and semodule_package
// compile the .te/.fc, `semodule -n -i` links them into a copy of Debian's reference
// policy store (a real compile against a complete policy; the copy keeps the machine's
// own store untouched, so nothing needs `semodule -r` afterwards), sesearch finds the
// rules in the kernel policy it built, and secilc compiles the CIL module.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/tempdir.h"
#include "harden/harden.h"
#include "harden/port_types.h"
#include "harden/selinux_cil.h"
#include "harden/selinux_te.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

bool have_selinux_tools() {
  for (const char* tool : {"checkmodule", "semodule_package", "semodule", "sesearch"}) {
    if (!have_tool(tool)) {
      FAIL(tool << " missing (scripts/setup.sh installs checkpolicy, semodule-utils, "
                   "policycoreutils, selinux-policy-default and setools)");
    }
  }
  return true;
}

// Compiles NAME.te/NAME.fc into dir/NAME.pp; the tool output on failure.
Run package(const fs::path& dir, const std::string& name, const TeModule& m) {
  write(dir / (name + ".te"), m.te);
  write(dir / (name + ".fc"), m.fc);
  std::string d = dir.string() + "/" + name;
  return run("checkmodule -M -m -o " + d + ".mod " + d + ".te && semodule_package -o " + d +
             ".pp -m " + d + ".mod -f " + d + ".fc");
}

// The permissions of the rule that starts with `head` ("allow a_t self:capability").
std::set<std::string> perms(const std::string& te, const std::string& head) {
  std::set<std::string> out;
  size_t at = te.find("\n" + head + " ");
  if (at == std::string::npos) return out;
  size_t end = te.find(';', at);
  std::string rest = te.substr(at + head.size() + 2, end - at - head.size() - 2);
  std::istringstream in(rest);
  std::string word;
  while (in >> word) {
    if (word != "{" && word != "}") out.insert(word);
  }
  return out;
}

bool includes(const std::set<std::string>& set, const std::set<std::string>& subset) {
  return std::includes(set.begin(), set.end(), subset.begin(), subset.end());
}

TeModule module_for(HardenInput in, const std::string& name, HardenOptions options = {}) {
  in.name = name;
  return selinux_te(in, derive_capabilities(in, options.add_capabilities), PortTypes::builtin(),
                    options);
}

// A copy of the machine's policy (/etc/selinux/default and its store) under `root`, for
// semodule -p.
bool copy_policy(const fs::path& root) {
  fs::create_directories(root / "etc/selinux");
  fs::create_directories(root / "var/lib/selinux");
  Run r = run("cp -a /etc/selinux/default /etc/selinux/config " + (root / "etc/selinux").string() +
              " && cp -a /var/lib/selinux/default " + (root / "var/lib/selinux").string());
  INFO(r.output);
  return r.status == 0;
}

}  // namespace

TEST_CASE("the coursework's docker_web.te rule set for nginx + php-fpm on port 80",
          "[harden][selinux]") {
  // The CSVS coursework confined its nginx + php-fpm web container (port 80, started as
  // root, run with --security-opt label:type:docker_web_t) with docker_web.te, a module
  // written by hand through rounds of audit2allow. As the issue records it, it held:
  //   - a process type docker_web_t that is a domain, in a module with a require block;
  //   - allow docker_web_t self:capability { chown dac_override setgid setuid ... };
  //     (nginx and php-fpm masters start as root, chown their temp paths and drop to
  //     www-data; net_bind_service for port 80);
  //   - allow docker_web_t http_port_t:tcp_socket name_bind;
  //   - allow docker_web_t node_t:tcp_socket node_bind;
  //   - allow docker_web_t self:tcp_socket { create bind listen accept read write getattr
  //     setopt ... };
  //   - signals between master and workers (self:process signal, sigchld) and unix
  //     sockets for nginx -> php-fpm;
  //   - read rules for the application's files and read-write rules for its logs/state.
  // The module generated from the same image must contain every one of those rules.
  TeModule m = module_for(csvs_web_input(), "docker_web");
  const std::string& te = m.te;
  CHECK(te.find("\nmodule docker_web 1.0;\n") != std::string::npos);
  CHECK(te.find("\nrequire {\n") != std::string::npos);
  CHECK(te.find("\ntype docker_web_t;\ntypeattribute docker_web_t domain;\n") != std::string::npos);
  CHECK(te.find("\nrole system_r types docker_web_t;\n") != std::string::npos);
  CHECK(includes(perms(te, "allow docker_web_t self:capability"),
                 {"chown", "dac_override", "setgid", "setuid", "net_bind_service"}));
  CHECK(te.find("\nallow docker_web_t http_port_t:tcp_socket name_bind;\n") != std::string::npos);
  CHECK(te.find("\nallow docker_web_t node_t:tcp_socket node_bind;\n") != std::string::npos);
  CHECK(includes(perms(te, "allow docker_web_t self:tcp_socket"),
                 {"create", "bind", "listen", "accept", "read", "write", "getattr", "setopt"}));
  CHECK(includes(perms(te, "allow docker_web_t self:process"), {"signal", "sigchld", "fork"}));
  CHECK(includes(perms(te, "allow docker_web_t self:unix_stream_socket"),
                 {"create", "connect", "connectto", "accept", "listen"}));
  CHECK(includes(perms(te, "allow docker_web_t docker_web_file_t:file"), {"read", "open"}));
  CHECK(includes(perms(te, "allow docker_web_t docker_web_rw_t:file"),
                 {"create", "write", "append", "open"}));
  CHECK(includes(perms(te, "allow docker_web_t docker_web_rw_t:dir"),
                 {"add_name", "remove_name", "write", "search"}));
  // No UDP port, no UDP rules.
  CHECK(te.find("udp_socket") == std::string::npos);
  CHECK(m.port_rules == std::vector<std::string>{"80/tcp http_port_t"});
  // The .fc labels the host directories for the writable paths only.
  CHECK(m.fc.find("/var/lib/imgstrip/docker_web/var/log/nginx(/.*)?\tsystem_u:object_r:"
                  "docker_web_rw_t:s0\n") != std::string::npos);
  CHECK(m.fc.find("usr/sbin") == std::string::npos);
}

TEST_CASE("the .te compiles with checkmodule and semodule_package", "[harden][selinux]") {
  if (!have_selinux_tools()) return;
  TempDir tmp("harden-te");
  {
    Run r = package(tmp.path(), "docker_web", module_for(csvs_web_input(), "docker_web"));
    INFO(r.output);
    CHECK(r.status == 0);
  }
  SECTION("non-root, UDP and TCP ports, a volume, outgoing connections, capability2") {
    HardenInput in;
    in.image = "dns";
    in.user = "app";
    in.exposed_ports = {"53/udp", "5353/tcp", "3000/sctp"};
    in.volumes = {"/data", "/srv/my files"};
    in.syscalls = std::set<std::string>{"bind", "recvfrom"};
    in.kept = {file("usr/bin/dnsd", 0755)};
    HardenOptions options;
    options.connect_ports = {"3306/tcp", "53/udp"};
    options.add_capabilities = {"BPF", "NET_RAW"};
    TeModule m = module_for(in, "dns", options);
    CHECK(m.te.find("allow dns_t dns_port_t:udp_socket name_bind;") != std::string::npos);
    CHECK(m.te.find("allow dns_t unreserved_port_t:tcp_socket name_bind;") != std::string::npos);
    CHECK(m.te.find("allow dns_t mysqld_port_t:tcp_socket name_connect;") != std::string::npos);
    CHECK(m.te.find("allow dns_t self:capability2 bpf;") != std::string::npos);
    CHECK(m.fc.find("# /srv/my files: skipped") != std::string::npos);
    Run r = package(tmp.path(), "dns", m);
    INFO(m.te);
    INFO(r.output);
    CHECK(r.status == 0);
  }
  SECTION("no ports and no capabilities") {
    HardenInput in;
    in.image = "batch";
    in.user = "1000";
    in.syscalls = std::set<std::string>{"read", "write"};
    TeModule m = module_for(in, "batch");
    CHECK(m.te.find("capability") == std::string::npos);
    CHECK(m.te.find("tcp_socket") == std::string::npos);
    Run r = package(tmp.path(), "batch", m);
    INFO(r.output);
    CHECK(r.status == 0);
  }
}

TEST_CASE("the .te installs into Debian's reference policy", "[harden][selinux][slow]") {
  if (!have_selinux_tools()) return;
  if (!fs::exists("/etc/selinux/default") || !fs::exists("/var/lib/selinux/default")) {
    WARN("no policy store: scripts/setup.sh installs selinux-policy-default");
    return;
  }
  TempDir tmp("harden-store");
  fs::path root = tmp.path() / "root";
  REQUIRE(copy_policy(root));
  std::string p = "semodule -p " + root.string() + " -n ";

  // The coursework image and a non-root UDP service, in one transaction (each semodule
  // run links the whole policy, ~10 s).
  HardenInput dns;
  dns.image = "dns";
  dns.user = "app";
  dns.exposed_ports = {"53/udp", "8080/tcp"};
  dns.volumes = {"/data"};
  dns.syscalls = std::set<std::string>{"bind"};
  REQUIRE(package(tmp.path(), "docker_web", module_for(csvs_web_input(), "docker_web")).status ==
          0);
  REQUIRE(package(tmp.path(), "imgstrip_dns", module_for(dns, "imgstrip_dns")).status == 0);
  Run r = run(p + "-i " + (tmp.path() / "docker_web.pp").string() + " -i " +
              (tmp.path() / "imgstrip_dns.pp").string());
  INFO(r.output);
  REQUIRE(r.status == 0);
  Run list = run(p + "-l");
  CHECK(list.output.find("docker_web") != std::string::npos);
  CHECK(list.output.find("imgstrip_dns") != std::string::npos);

  // The kernel policy semodule built holds the rules.
  Run policy = run("ls " + (root / "etc/selinux/default/policy").string() + "/policy.*");
  REQUIRE(policy.status == 0);
  std::string kernel_policy = policy.output.substr(0, policy.output.find('\n'));
  Run search = run("sesearch -A -s docker_web_t " + kernel_policy);
  INFO(search.output);
  CHECK(search.output.find("allow docker_web_t http_port_t:tcp_socket name_bind;") !=
        std::string::npos);
  CHECK(search.output.find("allow docker_web_t node_t:tcp_socket node_bind;") != std::string::npos);
  CHECK(std::regex_search(search.output,
                          std::regex("allow docker_web_t docker_web_t:capability \\{[^}]*"
                                     "dac_override[^}]*setuid[^}]*\\}")));
  Run dns_search = run("sesearch -A -s imgstrip_dns_t -c udp_socket " + kernel_policy);
  CHECK(dns_search.output.find("allow imgstrip_dns_t dns_port_t:udp_socket name_bind;") !=
        std::string::npos);
  Run fc =
      run("grep -r imgstrip_dns_rw_t " + (root / "etc/selinux/default/contexts/files").string());
  CHECK(fc.output.find("/var/lib/imgstrip/imgstrip_dns/data(/.*)?") != std::string::npos);

  // A control: the same module naming a port type the policy does not have is refused, so
  // the install above was checked against the policy.
  TeModule bad = module_for(csvs_web_input(), "imgstrip_bad");
  bad.te = std::regex_replace(bad.te, std::regex("http_port_t"), "imgstrip_no_such_port_t");
  REQUIRE(package(tmp.path(), "imgstrip_bad", bad).status == 0);
  Run refused = run(p + "-i " + (tmp.path() / "imgstrip_bad.pp").string());
  CHECK(refused.status != 0);
  CHECK(run(p + "-l").output.find("imgstrip_bad") == std::string::npos);
}

TEST_CASE("port types from the installed policy", "[harden][selinux]") {
  PortTypes builtin = PortTypes::builtin();
  CHECK(builtin.type_of({80, "tcp"}) == "http_port_t");
  CHECK(builtin.type_of({8080, "tcp"}) == "http_cache_port_t");
  CHECK(builtin.type_of({3306, "tcp"}) == "mysqld_port_t");
  CHECK(builtin.type_of({5432, "tcp"}) == "postgresql_port_t");
  CHECK(builtin.type_of({6379, "tcp"}) == "redis_port_t");
  CHECK(builtin.type_of({11211, "tcp"}) == "memcache_port_t");
  CHECK(builtin.type_of({22, "tcp"}) == "ssh_port_t");
  CHECK(builtin.type_of({9000, "tcp"}) == "http_port_t");
  CHECK(builtin.type_of({80, "udp"}) == "reserved_port_t");
  CHECK(builtin.type_of({700, "tcp"}) == "hi_reserved_port_t");
  CHECK(builtin.type_of({12345, "tcp"}) == "unreserved_port_t");
  CHECK_FALSE(builtin.from_policy());

  PortTypes parsed = PortTypes::parse_seinfo(
      "\nPortcon: 3\n   portcon tcp 1024-65535 system_u:object_r:unreserved_port_t:s0\n"
      "   portcon tcp 9000 system_u:object_r:cslistener_port_t:s0\n"
      "   portcon udp 1-511 system_u:object_r:reserved_port_t\n   garbage\n",
      "test");
  CHECK(parsed.rules().size() == 3);
  CHECK(parsed.type_of({9000, "tcp"}) == "cslistener_port_t");
  CHECK(parsed.type_of({9001, "tcp"}) == "unreserved_port_t");
  CHECK(parsed.type_of({53, "udp"}) == "reserved_port_t");
  CHECK_THROWS_AS(PortTypes::parse_seinfo("nothing", "test"), Error);

  CHECK_FALSE(PortTypes::installed("/nonexistent/selinux").has_value());
  if (!have_tool("seinfo") || !fs::exists("/etc/selinux/default")) {
    WARN(
        "seinfo or the default policy missing: scripts/setup.sh installs setools and "
        "selinux-policy-default");
    return;
  }
  auto installed = PortTypes::installed();
  REQUIRE(installed.has_value());
  CHECK(installed->from_policy());
  CHECK(installed->source().find("seinfo --portcon of /etc/selinux/default/policy/policy.") == 0);
  CHECK(installed->type_of({80, "tcp"}) == "http_port_t");
  CHECK(installed->type_of({8080, "tcp"}) == "http_cache_port_t");
  // Debian's reference policy gives 9000 to cslistener_port_t (Fedora: http_port_t), so
  // the answer really comes from the policy.
  CHECK(installed->type_of({9000, "tcp"}) == "cslistener_port_t");

  // Cached under the policy's digest: the second answer is read from the cache (a marked
  // entry shows it), a damaged entry is asked again and rewritten.
  TempDir cache("harden-policy-cache");
  auto first = PortTypes::installed("/etc/selinux", cache.path() / "selinux");
  REQUIRE(first.has_value());
  CHECK(first->rules().size() == installed->rules().size());
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(cache.path() / "selinux"))
    entries.push_back(e.path());
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].extension() == ".portcon");
  CHECK(entries[0].stem().string().size() == 64);
  std::ofstream(entries[0]) << "portcon tcp 9000 system_u:object_r:marker_port_t:s0\n";
  auto cached = PortTypes::installed("/etc/selinux", cache.path() / "selinux");
  REQUIRE(cached.has_value());
  CHECK(cached->type_of({9000, "tcp"}) == "marker_port_t");
  CHECK(cached->source() == installed->source());
  std::ofstream(entries[0]) << "garbage\n";
  auto again = PortTypes::installed("/etc/selinux", cache.path() / "selinux");
  REQUIRE(again.has_value());
  CHECK(again->type_of({9000, "tcp"}) == "cslistener_port_t");
  std::ifstream rewritten(entries[0]);
  std::stringstream text;
  text << rewritten.rdbuf();
  CHECK(text.str().find("cslistener_port_t") != std::string::npos);

  HardenInput in = csvs_web_input();
  in.exposed_ports = {"9000/tcp"};
  HardenResult r = harden(in);
  CHECK(r.report["port_types"]["from_installed_policy"] == true);
  CHECK(r.te.find("cslistener_port_t:tcp_socket name_bind") != std::string::npos);
  HardenOptions no_query;
  no_query.query_installed_policy = false;
  CHECK(harden(in, no_query).te.find("http_port_t:tcp_socket name_bind") != std::string::npos);
}
