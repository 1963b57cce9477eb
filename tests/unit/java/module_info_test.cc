// module-info.class: the host JDK's declarations, one compiled here with javac, and
// damaged ones.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

#include "core/error.h"
#include "core/tempdir.h"
#include "java/module_info.h"
#include "java_test_util.h"

using namespace imgstrip;
using namespace imgstrip::java_test;

namespace {

const std::map<std::string, std::string>& host_declarations() {
  static const auto m = [] {
    StringReader in(host_image());
    return read_jimage_modules(in).module_info;
  }();
  return m;
}

bool exports_unqualified(const ModuleDescriptor& d, const std::string& pkg) {
  return std::any_of(d.exports.begin(), d.exports.end(),
                     [&](const auto& e) { return e.package == pkg && !e.qualified; });
}

}  // namespace

TEST_CASE("the host JDK's module declarations", "[java][module-info]") {
  for (const auto& [name, bytes] : host_declarations())
    CHECK(parse_module_info(bytes).name == name);
  ModuleDescriptor base = parse_module_info(host_declarations().at("java.base"));
  CHECK(exports_unqualified(base, "java.lang"));
  CHECK(base.requires_.empty());
  CHECK(std::find(base.uses.begin(), base.uses.end(), "java.nio.file.spi.FileSystemProvider") !=
        base.uses.end());
  ModuleDescriptor se = parse_module_info(host_declarations().at("java.se"));
  CHECK(std::any_of(se.requires_.begin(), se.requires_.end(),
                    [](const auto& r) { return r.module == "java.desktop" && r.transitive; }));
  ModuleDescriptor sa = parse_module_info(host_declarations().at("jdk.hotspot.agent"));
  CHECK(std::none_of(sa.exports.begin(), sa.exports.end(),
                     [](const auto& e) { return !e.qualified; }));
  CHECK(parse_module_info(host_declarations().at("jdk.incubator.vector")).not_resolved_by_default);
  CHECK_FALSE(base.not_resolved_by_default);
}

TEST_CASE("a module declaration compiled with javac", "[java][module-info]") {
  TempDir dir;
  auto put = [&](const std::string& rel, const std::string& text) {
    std::filesystem::create_directories((dir.path() / rel).parent_path());
    write_file_atomic(dir.path() / rel, text);
  };
  put("src/module-info.java",
      "module demo.app {\n"
      "  requires static java.sql;\n"
      "  requires transitive java.logging;\n"
      "  exports demo.api;\n"
      "  exports demo.internal to java.base;\n"
      "  opens demo.api;\n"
      "  uses demo.api.Service;\n"
      "  provides demo.api.Service with demo.internal.Impl;\n"
      "}\n");
  put("src/demo/api/Service.java", "package demo.api; public interface Service {}\n");
  put("src/demo/internal/Impl.java",
      "package demo.internal; public class Impl implements demo.api.Service {}\n");
  std::string cmd = "cd '" + dir.path().string() +
                    "' && javac -d out src/module-info.java src/demo/api/Service.java "
                    "src/demo/internal/Impl.java 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);  // scripts/setup.sh installs javac
  ModuleDescriptor d = parse_module_info(read_file(dir.path() / "out/module-info.class", 1 << 20));
  CHECK(d.name == "demo.app");
  std::vector<std::string> required;
  for (const auto& r : d.requires_)
    required.push_back(r.module + (r.is_static ? " static" : "") +
                       (r.transitive ? " transitive" : ""));
  std::sort(required.begin(), required.end());
  CHECK(required ==
        std::vector<std::string>{"java.base", "java.logging transitive", "java.sql static"});
  REQUIRE(d.exports.size() == 2);
  CHECK(exports_unqualified(d, "demo.api"));
  CHECK_FALSE(exports_unqualified(d, "demo.internal"));
  CHECK(d.uses == std::vector<std::string>{"demo.api.Service"});
  CHECK(d.provides == std::vector<std::string>{"demo.api.Service"});
}

TEST_CASE("damaged module declarations are errors", "[java][module-info]") {
  const std::string& good = host_declarations().at("java.logging");
  for (size_t n = 0; n < good.size(); ++n)
    CHECK_THROWS_AS(parse_module_info(good.substr(0, n)), Error);
  CHECK_THROWS_WITH(parse_module_info(std::string("\xCA\xFE\xBA\xBE\0\0\0\x3d\0\x02\x63", 11)),
                    Catch::Contains("unknown tag 99"));
  CHECK_THROWS_WITH(parse_module_info(std::string("\xCA\xFE\xBA\xBF", 4) + std::string(20, '\0')),
                    Catch::Contains("not a class file"));
  // A class without a Module attribute: constant pool {1: Utf8 "X"}, nothing else.
  std::string plain("\xCA\xFE\xBA\xBE\0\0\0\x3d\0\x02\x01\0\x01X", 15);
  plain += std::string(14, '\0');
  CHECK_THROWS_WITH(parse_module_info(plain), Catch::Contains("no Module attribute"));
}
