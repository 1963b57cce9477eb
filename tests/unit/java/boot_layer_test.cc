// The boot layer: default roots, requires (not static ones), service binding, incubators,
// and the host JDK's layer for a class-path application.
#include <catch2/catch.hpp>

#include "java/boot_layer.h"
#include "java_test_util.h"

using namespace imgstrip;
using namespace imgstrip::java_test;

namespace {

ModuleDescriptor mod(std::string name, std::vector<ModuleRequires> req = {},
                     std::vector<ModuleExports> exp = {}) {
  ModuleDescriptor d;
  d.name = std::move(name);
  d.requires_ = std::move(req);
  d.exports = std::move(exp);
  return d;
}

}  // namespace

TEST_CASE("boot layer: roots, requires, static edges, binding", "[java][boot-layer]") {
  std::map<std::string, ModuleDescriptor> m;
  m["base"] = mod("base", {}, {{"b.api", false}});
  m["app"] = mod("app", {{"base"}, {"opt", false, true}, {"lib"}}, {{"a.api", false}});
  m["lib"] = mod("lib", {}, {{"lib.internal", true}});  // qualified only: not a root
  m["opt"] = mod("opt", {}, {{"o.api", false}});
  m["tool"] = mod("tool", {{"base"}}, {{"t.internal", true}});
  m["incubator"] = mod("incubator", {}, {{"i.api", false}});
  m["incubator"].not_resolved_by_default = true;
  m["provider"] = mod("provider", {{"helper"}});
  m["provider"].provides = {"s.Service"};
  m["helper"] = mod("helper");
  m["app"].uses = {"s.Service"};

  CHECK(default_root_modules(m) == std::set<std::string>{"app", "base", "opt"});
  CHECK(boot_layer(m, {"app"}) ==
        std::set<std::string>{"app", "base", "helper", "lib", "provider"});
  // opt is a root of its own; tool and the incubator are not resolved.
  CHECK(boot_layer(m, default_root_modules(m)) ==
        std::set<std::string>{"app", "base", "helper", "lib", "opt", "provider"});
  CHECK(boot_layer(m, {"tool", "missing"}) == std::set<std::string>{"base", "tool"});
}

TEST_CASE("the host JDK's boot layer for a class-path application", "[java][boot-layer]") {
  StringReader in(host_image());
  std::map<std::string, ModuleDescriptor> m;
  for (const auto& [name, bytes] : read_jimage_modules(in).module_info)
    m.emplace(name, parse_module_info(bytes));
  auto layer = boot_layer(m, default_root_modules(m));
  for (const char* in_layer : {"java.base", "java.desktop", "java.sql", "jdk.attach", "jdk.net",
                               "jdk.crypto.ec", "jdk.localedata"})
    CHECK(layer.count(in_layer) == 1);
  for (const char* outside : {"jdk.hotspot.agent", "jdk.incubator.vector", "java.se"})
    CHECK(layer.count(outside) == 0);
  auto more = default_root_modules(m);
  more.insert("jdk.hotspot.agent");
  CHECK(boot_layer(m, more).count("jdk.hotspot.agent") == 1);
}
