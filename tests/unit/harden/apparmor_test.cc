// The AppArmor profile against the real parser: apparmor_parser -Q -T -K parses and
// compiles a profile without loading it (exit 0 valid, 1 invalid; it warns that this
// kernel has no AppArmor interface).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/tempdir.h"
#include "harden/apparmor.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;
namespace fs = std::filesystem;

namespace {

Run parse(const fs::path& dir, const std::string& profile) {
  fs::path p = dir / "profile";
  std::ofstream(p) << profile;
  return run("apparmor_parser -Q -T -K " + p.string());
}

std::string profile_for(HardenInput in, const HardenOptions& options = {}) {
  return apparmor_profile(in, derive_capabilities(in, options.add_capabilities), options);
}

}  // namespace

TEST_CASE("the AppArmor profile for nginx + php-fpm", "[harden][apparmor]") {
  HardenInput in = csvs_web_input();
  in.name = "csvs_web";
  in.volumes = {"/var/www/html/uploads"};
  std::string p = profile_for(in);
  CHECK(p.find("#include <tunables/global>\n") != std::string::npos);
  CHECK(p.find("profile csvs_web flags=(attach_disconnected,mediate_deleted) {\n"
               "  #include <abstractions/base>\n") != std::string::npos);
  for (const char* rule : {"  capability setuid,\n", "  capability net_bind_service,\n",
                           "  network inet stream,\n", "  network inet6 stream,\n",
                           "  /etc/nginx/{,**} r,\n", "  /usr/lib/x86_64-linux-gnu/{,**} mr,\n",
                           "  /usr/sbin/nginx mrix,\n", "  /docker-entrypoint.sh mrix,\n",
                           "  /var/log/nginx/{,**} rwk,\n", "  /var/www/html/uploads/{,**} rwk,\n",
                           "  /tmp/{,**} rwk,\n", "  deny mount,\n", "  deny pivot_root,\n"}) {
    INFO(rule);
    CHECK(p.find(rule) != std::string::npos);
  }
  // Nothing shallow is globbed, libraries are not executables, no UDP.
  CHECK(p.find("/etc/{,**}") == std::string::npos);
  CHECK(p.find("/usr/{,**}") == std::string::npos);
  CHECK(p.find("libc.so.6 mrix") == std::string::npos);
  CHECK(p.find("dgram,\n  network inet") == std::string::npos);
  CHECK(p.find("network inet dgram") == std::string::npos);
}

TEST_CASE("apparmor_parser accepts the profiles", "[harden][apparmor]") {
  if (!have_tool("apparmor_parser")) {
    FAIL("apparmor_parser missing (scripts/setup.sh installs apparmor)");
  }
  TempDir tmp("harden-aa");
  HardenInput in = csvs_web_input();
  in.name = "csvs_web";
  in.volumes = {"/var/www/html/uploads"};
  {
    std::string p = profile_for(in);
    Run r = parse(tmp.path(), p);
    INFO(p);
    INFO(r.output);
    CHECK(r.status == 0);
  }
  SECTION("odd paths, UDP and SCTP, no capabilities") {
    HardenInput odd;
    odd.image = "odd";
    odd.user = "app";
    odd.exposed_ports = {"5353/udp", "3000/sctp", "8080/tcp"};
    odd.volumes = {"/srv/my files", "/data[1]"};
    odd.syscalls = std::set<std::string>{"read"};
    odd.kept = {file("opt/app/bin/run me", 0755), file("opt/app/{weird}*.conf"),
                file("opt/app/lib/libx.so.1")};
    HardenOptions options;
    options.connect_ports = {"5432/tcp"};
    std::string p = profile_for(odd, options);
    CHECK(p.find("  \"/srv/my files/{,**}\" rwk,\n") != std::string::npos);
    CHECK(p.find("  /data\\[1\\]/{,**} rwk,\n") != std::string::npos);
    CHECK(p.find("  network inet dgram,\n") != std::string::npos);
    CHECK(p.find("capability") == std::string::npos);
    Run r = parse(tmp.path(), p);
    INFO(p);
    INFO(r.output);
    CHECK(r.status == 0);
  }
  SECTION("control: the parser rejects a broken profile") {
    std::string broken = profile_for(in);
    broken.replace(broken.find("  capability setuid,"), 19, "  capability fly,");
    CHECK(parse(tmp.path(), broken).status != 0);
  }
  CHECK(apparmor_path("/a b/c", "{,**}") == "\"/a b/c{,**}\"");
  CHECK(apparmor_path("/x*y") == "/x\\*y");
}
