#include <catch2/catch.hpp>

#include "core/error.h"
#include "harden/capabilities.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;

namespace {

std::vector<std::string> names(const std::vector<Capability>& caps) {
  std::vector<std::string> out;
  for (const Capability& c : caps)
    out.push_back(c.name);
  return out;
}

}  // namespace

TEST_CASE("root with setuid syscalls needs SETUID and SETGID", "[harden][caps]") {
  HardenInput in;
  in.user = "root";
  in.syscalls = std::set<std::string>{"read", "write", "setuid", "setgid", "setgroups"};
  auto caps = derive_capabilities(in);
  CHECK(names(caps) == std::vector<std::string>{"SETGID", "SETUID"});
  CHECK(capabilities_label(caps) == "SETGID,SETUID");
  REQUIRE(caps[1].reasons.size() == 1);
  CHECK(caps[1].reasons[0].find("setuid reachable") != std::string::npos);
  CHECK(caps[0].reasons[0].find("setgid, setgroups reachable") != std::string::npos);
}

TEST_CASE("a non-root image on a high port needs nothing", "[harden][caps]") {
  HardenInput in;
  in.user = "www-data";
  in.exposed_ports = {"8080/tcp"};
  in.syscalls = std::set<std::string>{"bind",  "listen", "setuid", "setgid",
                                      "chown", "kill",   "chroot", "openat"};
  in.kept = {file("usr/bin/app", 0755), dir("var/lib/app", 0700, 1000, 1000)};
  auto caps = derive_capabilities(in);
  CHECK(caps.empty());
  CHECK(capabilities_label(caps).empty());
  CHECK(capabilities_json(caps) == Json::array());
}

TEST_CASE("a port below 1024 needs NET_BIND_SERVICE", "[harden][caps]") {
  HardenInput in;
  in.user = "1000:1000";
  in.exposed_ports = {"80/tcp", "8443/tcp"};
  in.syscalls = std::set<std::string>{"bind", "listen"};
  auto caps = derive_capabilities(in);
  REQUIRE(names(caps) == std::vector<std::string>{"NET_BIND_SERVICE"});
  CHECK(caps[0].reasons[0].find("80/tcp") != std::string::npos);
  CHECK(caps[0].reasons[0].find("8443") == std::string::npos);
  CHECK(caps[0].reasons[0].find("non-root") != std::string::npos);

  in.exposed_ports = {"53/udp"};
  CHECK(names(derive_capabilities(in)) == std::vector<std::string>{"NET_BIND_SERVICE"});
}

TEST_CASE("user forms that start as root", "[harden][caps]") {
  CHECK(starts_as_root(""));
  CHECK(starts_as_root("root"));
  CHECK(starts_as_root("0"));
  CHECK(starts_as_root("0:0"));
  CHECK(starts_as_root("root:www-data"));
  CHECK_FALSE(starts_as_root("www-data"));
  CHECK_FALSE(starts_as_root("1000:0"));
  CHECK_FALSE(starts_as_root("nobody:root"));
}

TEST_CASE("the nginx + php-fpm image gets the master/worker capabilities", "[harden][caps]") {
  auto caps = derive_capabilities(csvs_web_input());
  CHECK(names(caps) == std::vector<std::string>{"CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL",
                                                "NET_BIND_SERVICE", "SETGID", "SETUID",
                                                "SYS_CHROOT"});
  for (const Capability& c : caps)
    CHECK_FALSE(c.reasons.empty());
  auto dac = std::find_if(caps.begin(), caps.end(),
                          [](const Capability& c) { return c.name == "DAC_OVERRIDE"; });
  CHECK(dac->reasons[0].find("/var/lib/nginx/body (uid 33, mode 0700)") != std::string::npos);
  CHECK(capabilities_label(caps) ==
        "CHOWN,DAC_OVERRIDE,FOWNER,KILL,NET_BIND_SERVICE,SETGID,SETUID,SYS_CHROOT");
  Json j = capabilities_json(caps);
  CHECK(j[0]["name"] == "CAP_CHOWN");
  CHECK(j[0]["reasons"].size() == 1);
}

TEST_CASE("capability rules need their syscalls", "[harden][caps]") {
  HardenInput in = csvs_web_input();
  in.syscalls = std::set<std::string>{"read", "write", "openat", "bind"};
  // Root, port 80, no id changes, no chown, no signals, no chroot: the paths of another
  // user still need DAC_OVERRIDE (open is reachable); FOWNER needs chmod.
  CHECK(names(derive_capabilities(in)) ==
        std::vector<std::string>{"DAC_OVERRIDE", "NET_BIND_SERVICE"});
}

TEST_CASE("KILL only when the process drops to another uid", "[harden][caps]") {
  HardenInput in;
  in.syscalls = std::set<std::string>{"kill", "tgkill"};
  CHECK(derive_capabilities(in).empty());
  in.syscalls->insert("setresuid");
  CHECK(names(derive_capabilities(in)) == std::vector<std::string>{"KILL", "SETUID"});
}

TEST_CASE("without a syscall analysis every syscall rule counts", "[harden][caps]") {
  HardenInput in;  // root, no syscalls known
  auto caps = derive_capabilities(in);
  CHECK(names(caps) == std::vector<std::string>{"CHOWN", "KILL", "SETGID", "SETUID", "SYS_CHROOT"});
  CHECK(caps[0].reasons[0].find("no syscall analysis") != std::string::npos);
}

TEST_CASE("setuid binaries in a non-root image", "[harden][caps]") {
  HardenInput in;
  in.user = "app";
  in.syscalls = std::set<std::string>{"setuid", "setgid"};
  in.kept = {file("usr/bin/su", 04755)};
  auto caps = derive_capabilities(in);
  REQUIRE(names(caps) == std::vector<std::string>{"SETGID", "SETUID"});
  CHECK(caps[1].reasons[0].find("/usr/bin/su") != std::string::npos);
  in.setid_binaries = false;  // the caller knows better
  CHECK(derive_capabilities(in).empty());
}

TEST_CASE("requested capabilities and names", "[harden][caps]") {
  HardenInput in;
  in.user = "app";
  auto caps = derive_capabilities(in, {"cap_net_raw", "AUDIT_WRITE"});
  CHECK(names(caps) == std::vector<std::string>{"AUDIT_WRITE", "NET_RAW"});
  CHECK(caps[0].reasons == std::vector<std::string>{"requested"});
  CHECK(capability_name("CAP_SYS_ADMIN") == "SYS_ADMIN");
  CHECK(capability_name("bpf") == "BPF");
  CHECK_THROWS_AS(capability_name("CAP_FLY"), Error);
  CHECK(Capability{"NET_BIND_SERVICE", {}}.lower() == "net_bind_service");
}
