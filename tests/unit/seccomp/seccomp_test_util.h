// Helpers for the seccomp tests: compile small programs and analyse them as a kept set.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "core/rootfs.h"
#include "core/stream.h"
#include "elf/closure.h"
#include "fs/content_store.h"
#include "fs/tree.h"
#include "seccomp/object_analysis.h"
#include "seccomp/seccomp_analysis.h"
#include "unit/elf/elf_test_util.h"

namespace imgstrip::seccomp_test {

namespace fs = std::filesystem;
using elf_test::compile;
using elf_test::have_tool;

inline ObjectAnalysis analyze_file(const fs::path& path) {
  return analyze_object(ElfFile::parse(read_file(path, size_t{1} << 30), path.string()));
}

// Analyses host programs (absolute paths) with the host as root.
inline SyscallAnalysis analyze_host(const std::vector<fs::path>& programs,
                                    SeccompOptions options = {},
                                    const std::vector<fs::path>& dlopened = {}) {
  static DirRootFs root("/");
  ElfClosure closure(root);
  for (const auto& p : programs)
    closure.add_root(p.relative_path().string());
  for (const auto& p : dlopened) {
    closure.add_root(p.relative_path().string(), "dlopen");
    options.dlopened.push_back(*root.resolve(p.relative_path().string()));
  }
  closure.resolve();
  return analyze_syscalls(root, closure, options);
}

// A tree of regular files {path, bytes}, with their parent directories.
inline FileTree tree_with(const std::vector<std::pair<std::string, std::string>>& files) {
  auto store = std::make_shared<ContentStore>();
  FileTree tree(store);
  for (const auto& [path, data] : files) {
    for (size_t s = path.find('/'); s != std::string::npos; s = path.find('/', s + 1)) {
      Entry d;
      d.path = path.substr(0, s);
      d.type = FileType::Directory;
      d.mode = 0755;
      if (tree.find(d.path) == nullptr) tree.insert(d);
    }
    Entry e;
    e.path = path;
    e.size = data.size();
    e.content = store->append(data);
    tree.insert(e);
  }
  return tree;
}

inline bool allows(const SyscallAnalysis& a, std::string_view name) {
  auto nr = syscall_number(a.arch, name);
  REQUIRE(nr);
  return a.syscalls.count(*nr) > 0;
}

}  // namespace imgstrip::seccomp_test
