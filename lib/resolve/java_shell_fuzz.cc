// libFuzzer target: any bytes, as a shell script, give java command lines (never a crash
// or a hang), and each line's argv through java_command on an empty tree gives findings.
// Built with -DIMGSTRIP_FUZZ=ON and clang as fuzz_resolve_java_shell.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fs/tree.h"
#include "resolve/java_classpath.h"
#include "resolve/java_shell.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const imgstrip::FileTree tree;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto& cmd : imgstrip::java_command_lines(text)) {
    if (cmd.argv.empty()) __builtin_trap();
    (void)imgstrip::java_command(tree, cmd.argv, "app", {{"JAVA_HOME", "/opt/java"}});
  }
  return 0;
}
