// JNI libraries that no module of the boot layer can load (java_modules.h), on the host
// JDK's own run-time image and libraries: libsaproc.so (jdk.hotspot.agent) is left out of a
// class-path application's analysis, and stays when a kept file or the command line could
// put its module in the boot layer or load it by name.
#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/stream.h"
#include "core/tempdir.h"
#include "seccomp/image_profile.h"
#include "seccomp/java_modules.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

const std::string kHome = "usr/lib/jvm/java-17-openjdk-amd64";
const std::string kSaproc = kHome + "/lib/libsaproc.so";
const std::string kNio = kHome + "/lib/libnio.so";

std::string host(const std::string& rel) {
  std::filesystem::path p = "/" + rel;
  REQUIRE(std::filesystem::exists(p));  // scripts/setup.sh installs the JDK
  return read_file(p, size_t{1} << 30);
}

// A zip of {name, bytes}.
std::string zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out(size_t{1} << 20, '\0');
  size_t used = 0;
  struct archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  REQUIRE(archive_write_open_memory(a, out.data(), out.size(), &used) == ARCHIVE_OK);
  for (const auto& [name, bytes] : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    REQUIRE(archive_write_data(a, bytes.data(), bytes.size()) ==
            static_cast<la_ssize_t>(bytes.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

struct Jdk {
  std::vector<std::pair<std::string, std::string>> files = {
      {kHome + "/lib/modules", host(kHome + "/lib/modules")},
      {kSaproc, host(kSaproc)},
      {kNio, host(kNio)},
      // The JDK's own lists of its modules, and the package database's: not read.
      {kHome + "/release", "MODULES=\"java.base jdk.hotspot.agent\"\n"},
      {"var/lib/dpkg/info/openjdk-17-jre-headless:amd64.list", "/" + kSaproc + "\n"},
      {kHome + "/legal/jdk.hotspot.agent/LICENSE",
       "a path, not a name: " + kHome + "/legal/jdk.hotspot.agent/x\n"}};

  JavaModuleGate gate(std::vector<std::pair<std::string, std::string>> more = {},
                      std::vector<std::string> command_line = {}) const {
    auto all = files;
    all.insert(all.end(), more.begin(), more.end());
    FileTree tree = tree_with(all);
    std::set<std::string> kept;
    for (const auto& [p, b] : all)
      kept.insert(p);
    auto gates = java_module_gates(tree, kept, command_line, {kSaproc, kNio});
    REQUIRE(gates.size() == 1);
    return gates[0];
  }
};

std::vector<std::string> not_loaded(const JavaModuleGate& g) {
  std::vector<std::string> out;
  for (const auto& l : g.not_loaded)
    out.push_back(l.path);
  return out;
}

}  // namespace

TEST_CASE("libsaproc.so is not loadable by a class-path application", "[seccomp][java]") {
  static const Jdk jdk;
  JavaModuleGate g = jdk.gate();
  CHECK(g.image == kHome + "/lib/modules");
  CHECK(g.modules >= 60);
  CHECK(g.not_gated.empty());
  CHECK(std::count(g.outside.begin(), g.outside.end(), "jdk.hotspot.agent") == 1);
  REQUIRE(not_loaded(g) == std::vector<std::string>{kSaproc});  // libnio has JNI_OnLoad
  CHECK(g.not_loaded[0].modules == std::vector<std::string>{"jdk.hotspot.agent"});
  CHECK(g.named.empty());
  CHECK(java_module_gates_json({g})[0]["notLoaded"][0]["object"] == kSaproc);

  SECTION("a script adds the module: it stays") {
    JavaModuleGate s = jdk.gate(
        {{"entrypoint.sh", "exec java --add-modules jdk.hotspot.agent -jar /app/app.jar\n"}});
    CHECK(not_loaded(s).empty());
    REQUIRE(s.named.size() == 1);
    CHECK(s.named[0].module == "jdk.hotspot.agent");
    CHECK(s.named[0].by == "/entrypoint.sh");
  }
  SECTION("the command line resolves every module") {
    JavaModuleGate s = jdk.gate({}, {"JDK_JAVA_OPTIONS=--add-modules=ALL-SYSTEM"});
    CHECK(not_loaded(s).empty());
    CHECK_THAT(s.not_gated, Catch::Contains("ALL-SYSTEM"));
  }
  SECTION("a class in a kept jar loads the library by name") {
    std::string cls = std::string("\xCA\xFE\xBA\xBE...\x01\x00\x06", 10) + "saproc" + "\x01";
    JavaModuleGate s = jdk.gate({{"app/app.jar", zip({{"a/Loader.class", cls}})}});
    CHECK(not_loaded(s).empty());
    REQUIRE(s.loaded_by_name.size() == 1);
    CHECK(s.loaded_by_name[0].by == "/app/app.jar!/a/Loader.class");
  }
  SECTION("a jar in a jar names the module") {
    std::string inner = zip({{"b/Layer.class", std::string("\x00\x11", 2) + "jdk.hotspot.agent"}});
    JavaModuleGate s = jdk.gate({{"app/boot.jar", zip({{"BOOT-INF/lib/inner.jar", inner}})}});
    CHECK(not_loaded(s).empty());
    REQUIRE(s.named.size() == 1);
    CHECK(s.named[0].by == "/app/boot.jar!/BOOT-INF/lib/inner.jar!/b/Layer.class");
  }
  SECTION("an explicit module of the application: nothing is left out") {
    JavaModuleGate s =
        jdk.gate({{"app/mod.jar", zip({{"META-INF/versions/11/module-info.class", "x"}})}});
    CHECK(not_loaded(s).empty());
    CHECK_THAT(s.not_gated, Catch::Contains("declares a module of the application"));
  }
  SECTION("a damaged jar could name anything: nothing is left out") {
    JavaModuleGate s = jdk.gate({{"app/broken.jar", std::string("PK\x03\x04", 4) + "garbage"}});
    CHECK(not_loaded(s).empty());
    CHECK_THAT(s.not_gated, Catch::Contains("/app/broken.jar"));
  }
  SECTION("names inside longer names do not count") {
    JavaModuleGate s = jdk.gate({{"etc/notes.txt",
                                  "jdk.hotspot.agentx my.jdk.hotspot.agent libsaproc.so.bak.x "
                                  "unsaproc saproc_2\n"}});
    CHECK(not_loaded(s) == std::vector<std::string>{kSaproc});
  }
  SECTION("dlopen of the library's file name") {
    JavaModuleGate s = jdk.gate({{"usr/bin/tool", std::string("\0/opt/x/libsaproc.so\0", 21)}});
    CHECK(not_loaded(s).empty());
    CHECK(s.loaded_by_name.size() == 1);
  }
}

TEST_CASE("a damaged run-time image leaves every library in", "[seccomp][java]") {
  std::string image = host(kHome + "/lib/modules").substr(0, 4096);
  FileTree tree = tree_with({{kHome + "/lib/modules", image}, {kSaproc, host(kSaproc)}});
  auto gates = java_module_gates(tree, {kHome + "/lib/modules", kSaproc}, {}, {kSaproc});
  REQUIRE(gates.size() == 1);
  CHECK(gates[0].not_loaded.empty());
  CHECK_THAT(gates[0].not_gated, Catch::Contains("jimage: truncated"));
}

TEST_CASE("a library only a left-out JNI library needs is still analysed as loaded by name",
          "[seccomp][java]") {
  // libonly.so: a JNI library of java.base's sun.nio.ch (System.loadLibrary can load it)
  // that only the left-out agent library lists in DT_NEEDED. Without the agent it is taken
  // as dlopened, so its native's sched_rr_get_interval stays in the profile; the agent's
  // ptrace does not.
  TempDir tmp;
  compile(tmp.path(), "libonly.so", R"(
#include <sched.h>
long Java_sun_nio_ch_Only_interval(void) { struct timespec t; return sched_rr_get_interval(0, &t); }
long only_helper(void) { return 0; }
)",
          "-shared -fPIC -O2 -Wl,-soname,libonly.so");
  compile(tmp.path(), "libsaproc.so", R"(
#include <sys/ptrace.h>
extern long only_helper(void);
long Java_sun_jvm_hotspot_debugger_linux_LinuxDebuggerLocal_attach0(void) {
  return ptrace(PTRACE_TRACEME, 0, 0, 0) + only_helper();
}
)",
          "-shared -fPIC -O2 -L'" + tmp.path().string() + "' -lonly -Wl,-rpath,'$ORIGIN'");
  compile(tmp.path(), "app", "int main(void) { return 0; }", "-O2");
  const std::string only = kHome + "/lib/libonly.so";
  std::vector<std::pair<std::string, std::string>> files = {
      {kHome + "/lib/modules", host(kHome + "/lib/modules")},
      {kSaproc, read_file(tmp.path() / "libsaproc.so", size_t{1} << 24)},
      {only, read_file(tmp.path() / "libonly.so", size_t{1} << 24)},
      {"usr/bin/app", read_file(tmp.path() / "app", size_t{1} << 24)},  // the program
      {"usr/lib/x86_64-linux-gnu/libc.so.6", host("usr/lib/x86_64-linux-gnu/libc.so.6")},
      {"lib64/ld-linux-x86-64.so.2", host("lib64/ld-linux-x86-64.so.2")}};
  FileTree tree = tree_with(files);
  std::set<std::string> kept;
  for (const auto& [p, b] : files)
    kept.insert(p);
  ImageSeccomp s = seccomp_profile_for(tree, kept, SeccompSettings{});
  REQUIRE(s.java_modules.size() == 1);
  REQUIRE(s.java_modules[0].not_loaded.size() == 1);
  CHECK(s.java_modules[0].not_loaded[0].path == kSaproc);
  CHECK(std::count(s.dlopened.begin(), s.dlopened.end(), only) == 1);
  CHECK(std::count(s.dlopened.begin(), s.dlopened.end(), kSaproc) == 0);
  CHECK(allows(s.analysis, "sched_rr_get_interval"));
  auto ptrace = s.analysis.reasons.find(*syscall_number(s.analysis.arch, "ptrace"));
  INFO("ptrace: " << (ptrace == s.analysis.reasons.end()
                          ? std::string("not reached")
                          : fmt::format("{}", fmt::join(ptrace->second.chain, " > "))));
  CHECK_FALSE(allows(s.analysis, "ptrace"));
}
