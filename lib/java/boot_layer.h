// Which of a run-time image's modules the JVM resolves into its boot layer
// (java.lang.module, ModuleBootstrap): the root modules, the closure of their `requires`
// (a `requires static` edge resolves nothing), then service binding: every module that
// provides a service some resolved module uses, with its own requires, until nothing is
// added. For an application on the class path the roots are the default ones: every
// system module that exports a package without qualification, except those marked
// "do not resolve by default" (incubators). Modules named on the command line
// (--add-modules, -m) are more roots.
#pragma once

#include <map>
#include <set>
#include <string>

#include "java/module_info.h"

namespace imgstrip {

// The default roots of a class-path application among `modules` (by name).
std::set<std::string> default_root_modules(const std::map<std::string, ModuleDescriptor>& modules);

// The boot layer resolved and bound from `roots`; a root or a requirement that is not
// among `modules` is left out (the JVM would refuse to start: nothing of it runs).
std::set<std::string> boot_layer(const std::map<std::string, ModuleDescriptor>& modules,
                                 const std::set<std::string>& roots);

}  // namespace imgstrip
