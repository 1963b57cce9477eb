// JNI libraries of a kept JDK that the application cannot load: a library whose every
// native (Java_pkg_Class_method) belongs to a module the JVM never resolves into its boot
// layer cannot be bound to any class, so none of its code runs. The serviceability
// agent's libsaproc.so (jdk.hotspot.agent, the only user of ptrace in a JRE) is the case
// that matters: a class-path application never resolves that module.
//
// Per kept run-time image (JAVA_HOME/lib/modules, java/jimage.h): the modules'
// declarations give the boot layer of a class-path application (java/boot_layer.h). It
// only grows when something names more modules, so every kept file and the image's
// command line are searched (jars entry by entry) for:
//  - the name of a module outside that layer (--add-modules NAME, -m NAME/..., a jhsdb
//    launcher, a ModuleLayer built at run time): it becomes a root;
//  - ALL-SYSTEM (every module is a root);
//  - a library's own name ("saproc": System.loadLibrary from other code): it stays;
//  - an explicit module of the application (a module-info.class outside the image): it
//    may require anything, so nothing is left out.
// The JDK's own lists of its modules are not searched: the image itself, its release
// file, its CDS archives (lib/**/*.jsa) and javac's API history (lib/ct.sym). A library that
// exports JNI_OnLoad (code run by loading it, whoever loads it), or a native of a package no module
// of the image holds, stays. A container started with --add-modules or JDK_JAVA_OPTIONS naming such
// a module needs a strip that has it in a kept file or the image's Env: the report names the
// modules.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fs/tree.h"

namespace imgstrip {

struct JavaModuleGate {
  std::string image;   // "usr/lib/jvm/java-17-openjdk-amd64/lib/modules"
  size_t modules = 0;  // declared in the image
  size_t boot_layer = 0;
  std::vector<std::string> outside;  // modules not in the boot layer, sorted
  struct Named {
    std::string module;
    std::string by;  // "/usr/bin/jhsdb", "/app/x.jar!/A.class", "the image's command line"
  };
  std::vector<Named> named;  // of those, named by a kept file: roots after all
  struct Library {
    std::string path;
    std::vector<std::string> modules;  // the modules its natives belong to
  };
  std::vector<Library> not_loaded;  // left out of the analysis
  // Libraries that would be left out but a kept file names (System.loadLibrary("saproc"),
  // dlopen of libsaproc.so): {object, by}.
  std::vector<Named> loaded_by_name;
  std::string not_gated;  // why nothing was left out; empty when the gate ran
};

// `candidates`: kept shared objects that nothing links against (taken as dlopened);
// `command_line`: the image's Entrypoint, Cmd and Env words.
std::vector<JavaModuleGate> java_module_gates(const FileTree& tree,
                                              const std::set<std::string>& kept,
                                              const std::vector<std::string>& command_line,
                                              const std::vector<std::string>& candidates);

nlohmann::json java_module_gates_json(const std::vector<JavaModuleGate>& gates);

}  // namespace imgstrip
