// A module declaration as javac compiles it (module-info.class, JVMS 4.7.25 "Module" and
// the JDK's "ModuleResolution" attribute): the module's name, what it requires, exports,
// uses and provides. Every read is bounds-checked; a malformed class is an Error naming
// the problem.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

struct ModuleRequires {
  std::string module;
  bool transitive = false;
  bool is_static = false;  // `requires static`: not resolved because of this edge
};

struct ModuleExports {
  std::string package;     // dotted ("java.lang")
  bool qualified = false;  // `exports p to m...`
};

struct ModuleDescriptor {
  std::string name;
  std::vector<ModuleRequires> requires_;
  std::vector<ModuleExports> exports;
  std::vector<std::string> uses;      // service interfaces, dotted
  std::vector<std::string> provides;  // service interfaces it implements, dotted
  // ModuleResolution's DO_NOT_RESOLVE_BY_DEFAULT (incubator modules): never a default root.
  bool not_resolved_by_default = false;
};

ModuleDescriptor parse_module_info(std::string_view class_bytes);

}  // namespace imgstrip
