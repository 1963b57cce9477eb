// Hostile names in an image: a tar entry or a VOLUME may hold any byte but NUL and '/', and
// the image's name comes from the user. None of them may end a comment or a path in a
// policy file and start a rule of their own; the files still compile with the real tools.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/tempdir.h"
#include "harden/harden.h"
#include "harden/policy_files.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;
namespace fs = std::filesystem;

namespace {

// An input whose names try to smuggle rules into each kind of file.
HardenInput hostile_input() {
  HardenInput in = csvs_web_input();
  in.image = "evil\nallow injected_t self:capability sys_admin;\n#";
  in.name = "evil";
  // In a writable directory, owned by www-data and closed to root: quoted in the reasons
  // of DAC_OVERRIDE and FOWNER, which become .te comments.
  in.kept.push_back(
      file("var/log/nginx/a\nallow injected_t self:capability sys_module;\n.log", 0600, 33));
  // An executable: an AppArmor path of its own.
  in.kept.push_back(file("usr/bin/x,\n  /** rwx,\n  /y", 0755));
  in.kept.push_back(file("usr/bin/with space, and #hash", 0755));
  std::sort(in.kept.begin(), in.kept.end(),
            [](const KeptPath& a, const KeptPath& b) { return a.path < b.path; });
  // Volumes: writable directories in the AppArmor profile, the .fc and the README.
  in.volumes = {"/data\n/** rwx,\n/z", "/srv/up load", "/srv/x\t/ system_u:object_r:shadow_t:s0"};
  return in;
}

// Lines of `text` that are rules injected by the hostile names.
std::vector<std::string> injected(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  static const std::regex bad(R"(^\s*(allow injected_t|/\*\* rwx,|/y|/z|#\s*$))");
  while (std::getline(in, line))
    if (std::regex_search(line, bad)) out.push_back(line);
  return out;
}

HardenOptions builtin_ports() {
  HardenOptions o;
  o.port_types = PortTypes::builtin();
  return o;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("hostile names stay inside their comments and paths", "[harden][hostile]") {
  HardenResult r = harden(hostile_input(), builtin_ports());
  REQUIRE(r.name == "evil");
  // The names are there (so the test tests something), made harmless.
  CHECK(r.te.find("a?allow injected_t self:capability sys_module;?.log") != std::string::npos);
  CHECK(r.apparmor.find("/data?/\\*\\* rwx,?/z/{,**}") != std::string::npos);
  CHECK(r.apparmor.find("\"/usr/bin/with space, and #hash\" mrix,") != std::string::npos);
  for (const auto& [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"te", r.te},
                                                        {"fc", r.fc},
                                                        {"cil", r.cil},
                                                        {"apparmor", r.apparmor},
                                                        {"README", policy_readme(r)}}) {
    INFO(name << ":\n" << text);
    CHECK(injected(text).empty());
  }
  // Every .fc line is a comment or exactly "REGEX<TAB>CONTEXT".
  std::istringstream fc(r.fc);
  std::string line;
  int entries = 0;
  while (std::getline(fc, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++entries;
    INFO(line);
    CHECK(std::regex_match(line, std::regex(R"([^\s]+\t[^\s]+)")));
    CHECK(line.find("shadow_t") == std::string::npos);
  }
  CHECK(entries > 0);
}

TEST_CASE("policies for hostile names compile with the real tools", "[harden][hostile]") {
  for (const char* tool : {"checkmodule", "semodule_package", "apparmor_parser"})
    if (!have_tool(tool)) FAIL(tool << " missing (scripts/setup.sh installs it)");
  HardenResult r = harden(hostile_input(), builtin_ports());
  TempDir tmp("harden-hostile");
  write(tmp.path() / "evil.te", r.te);
  write(tmp.path() / "evil.fc", r.fc);
  write(tmp.path() / "evil.apparmor", r.apparmor);
  std::string d = tmp.path().string() + "/evil";
  Run se = run("checkmodule -M -m -o " + d + ".mod " + d + ".te && semodule_package -o " + d +
               ".pp -m " + d + ".mod -f " + d + ".fc");
  INFO(se.output);
  CHECK(se.status == 0);
  Run aa = run("apparmor_parser -Q -T -K " + d + ".apparmor");
  INFO(aa.output);
  CHECK(aa.status == 0);
}
