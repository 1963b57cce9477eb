#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/tempdir.h"
#include "harden/harden.h"
#include "harden/policy_files.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("the policy directory holds every file and a README", "[harden][files]") {
  HardenInput in = csvs_web_input();
  in.name = "csvs_web";
  HardenOptions options;
  options.query_installed_policy = false;
  HardenResult r = harden(in, options);
  TempDir tmp("harden");
  write_policy_dir(r, tmp.path() / "policy");
  for (const char* f : {"csvs_web.te", "csvs_web.fc", "csvs_web.cil", "csvs_web.apparmor"}) {
    CHECK(std::filesystem::file_size(tmp.path() / "policy" / f) > 0);
  }
  CHECK(slurp(tmp.path() / "policy" / "csvs_web.te") == r.te);
  std::string readme = slurp(tmp.path() / "policy" / "README");
  CHECK(readme.find("checkmodule -M -m -o csvs_web.mod csvs_web.te && semodule_package -o "
                    "csvs_web.pp -m csvs_web.mod -f csvs_web.fc") != std::string::npos);
  CHECK(readme.find("semodule -i csvs_web.pp") != std::string::npos);
  CHECK(readme.find("--security-opt label=type:csvs_web_t") != std::string::npos);
  CHECK(readme.find("semodule -i csvs_web.cil /usr/share/udica/templates/base_container.cil "
                    "/usr/share/udica/templates/net_container.cil") != std::string::npos);
  CHECK(readme.find("--security-opt label=type:csvs_web.process") != std::string::npos);
  CHECK(readme.find("apparmor_parser -r csvs_web.apparmor") != std::string::npos);
  CHECK(readme.find("--security-opt apparmor=csvs_web") != std::string::npos);
  CHECK(readme.find("CAP_SETUID: ") != std::string::npos);
  // A second write replaces the files.
  write_policy_dir(r, tmp.path() / "policy");
  CHECK_THROWS_AS(write_policy_dir(r, "/proc/no/such/dir"), Error);
}

TEST_CASE("labels to bake into the image config", "[harden][files]") {
  HardenInput in = csvs_web_input();
  in.name = "csvs_web";
  HardenOptions options;
  options.query_installed_policy = false;
  HardenResult r = harden(in, options);
  CHECK(r.labels.at("io.containers.capabilities") ==
        "CHOWN,DAC_OVERRIDE,FOWNER,KILL,NET_BIND_SERVICE,SETGID,SETUID,SYS_CHROOT");
  CHECK(r.labels.at("io.imgstrip.selinux.type") == "csvs_web_t");
  CHECK(r.labels.at("io.imgstrip.selinux.cil.type") == "csvs_web.process");
  CHECK(r.labels.at("io.imgstrip.apparmor.profile") == "csvs_web");
  CHECK(r.labels.at("io.imgstrip.selinux.te") == r.te);
  CHECK(r.labels.at("io.imgstrip.selinux.cil") == r.cil);
  CHECK(r.labels.at("io.imgstrip.apparmor") == r.apparmor);
  // The texts are a few KiB: far below what registries accept for a config blob.
  CHECK(r.te.size() < 16 * 1024);
  CHECK(r.report["capabilities"].size() == 8);
  CHECK(r.report["port_types"]["source"] == "built-in table of the standard policy's defaults");
  CHECK(r.report["port_types"]["rules"][0] == "80/tcp http_port_t");
  CHECK(r.report["label_bytes"]["io.imgstrip.selinux.te"] == r.te.size());

  options.max_policy_label_bytes = 100;
  HardenResult small = harden(in, options);
  CHECK(small.labels.count("io.imgstrip.selinux.te") == 0);
  CHECK(small.report["labels_omitted"].contains("io.imgstrip.selinux.te"));

  // No capabilities: no label (podman before 4.7 rejects an empty one) unless asked.
  HardenInput plain;
  plain.image = "app";
  plain.user = "app";
  plain.syscalls = std::set<std::string>{"read"};
  CHECK(harden(plain, options).labels.count("io.containers.capabilities") == 0);
  CHECK_FALSE(harden(plain, options).report.contains("capabilities_need_cap_add"));
  options.add_capabilities = {"NET_RAW"};
  CHECK(harden(plain, options).report["capabilities_need_cap_add"] == Json::array({"NET_RAW"}));
  options.add_capabilities.clear();
  options.empty_capabilities_label = true;
  CHECK(harden(plain, options).labels.at("io.containers.capabilities").empty());
}
