#include "java/boot_layer.h"

#include <vector>

namespace imgstrip {

std::set<std::string> default_root_modules(const std::map<std::string, ModuleDescriptor>& modules) {
  std::set<std::string> out;
  for (const auto& [name, m] : modules) {
    if (m.not_resolved_by_default) continue;
    for (const auto& e : m.exports)
      if (!e.qualified) {
        out.insert(name);
        break;
      }
  }
  return out;
}

std::set<std::string> boot_layer(const std::map<std::string, ModuleDescriptor>& modules,
                                 const std::set<std::string>& roots) {
  std::set<std::string> layer;
  std::vector<std::string> todo(roots.begin(), roots.end());
  for (;;) {
    while (!todo.empty()) {
      std::string name = std::move(todo.back());
      todo.pop_back();
      auto m = modules.find(name);
      if (m == modules.end() || !layer.insert(name).second) continue;
      for (const auto& r : m->second.requires_)
        if (!r.is_static) todo.push_back(r.module);
    }
    // Service binding: providers of a service a resolved module uses.
    std::set<std::string> used;
    for (const auto& name : layer)
      for (const auto& s : modules.at(name).uses)
        used.insert(s);
    for (const auto& [name, m] : modules) {
      if (layer.count(name)) continue;
      for (const auto& s : m.provides)
        if (used.count(s)) {
          todo.push_back(name);
          break;
        }
    }
    if (todo.empty()) return layer;
  }
}

}  // namespace imgstrip
