// Helpers for the ELF tests: compile small C programs into a temporary folder, and build
// fake image roots.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/tempdir.h"

namespace imgstrip::elf_test {

namespace fs = std::filesystem;

inline void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool run(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

inline bool have_tool(const std::string& tool) {
  return run("command -v " + tool + " >/dev/null 2>&1");
}

// Compiles `source` (C) with `compiler` and `flags` into dir/out; fails the test on error.
inline fs::path compile(const fs::path& dir, const std::string& out, const std::string& source,
                        const std::string& flags, const std::string& compiler = "cc") {
  static int counter = 0;
  fs::path src = dir / ("src" + std::to_string(++counter) + ".c");
  write_text(src, source);
  fs::path target = dir / out;
  fs::create_directories(target.parent_path());
  std::string cmd = compiler + " -o '" + target.string() + "' '" + src.string() + "' " + flags +
                    " 2>'" + (dir / "cc.log").string() + "'";
  INFO(cmd << "\n" << slurp(dir / "cc.log"));
  REQUIRE(run(cmd));
  return target;
}

// A shared library exporting `fn`, with DT_SONAME `soname`, linked without libc so that
// its only DT_NEEDED are those in `flags`.
inline fs::path shared_lib(const fs::path& dir, const std::string& out, const std::string& soname,
                           const std::string& fn, const std::string& flags = "",
                           const std::string& compiler = "cc") {
  return compile(dir, out, "int " + fn + "(void) { return 42; }\n",
                 "-shared -fPIC -nostdlib -Wl,-soname," + soname + " " + flags, compiler);
}

// Places `file` at root/path (creating folders), copying it.
inline void place(const fs::path& root, const std::string& path, const fs::path& file) {
  fs::path dest = root / path;
  fs::create_directories(dest.parent_path());
  fs::copy_file(file, dest, fs::copy_options::overwrite_existing);
}

inline void link(const fs::path& root, const std::string& path, const std::string& target) {
  fs::path dest = root / path;
  fs::create_directories(dest.parent_path());
  fs::create_symlink(target, dest);
}

}  // namespace imgstrip::elf_test
