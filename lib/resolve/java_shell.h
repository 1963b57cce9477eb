// The `java` command lines of a shell script, for java_command() (java_classpath.h): a
// loose reading, not a shell. Lines continued with a backslash are joined; commands are
// split at ; & && || | ( ) and newlines; quotes are removed ('...' literally, "..." with
// its backslash escapes); redirections are dropped. A command's word is found after
// assignments (X=1 java ...) and wrappers (exec [-a NAME], nohup, env [-i] [-u NAME]
// [VAR=x], time, command, nice [-n N], setsid, stdbuf -oL, gosu USER, su-exec USER,
// tini --, dumb-init --, and the keywords then/else/do/!), and is java when its last path
// component is "java" ("$JAVA_HOME/bin/java").
// Variables the script assigns on a line of their own (JAVA=/opt/jdk/bin/java,
// export CP=...) are expanded where they are used later ($X, ${X}, ${X:-default}); others
// stay as written ("$@", $JAVA_OPTS) for the caller to expand or skip.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

struct JavaCommandLine {
  std::vector<std::string> argv;  // argv[0] is the java word, as expanded
  size_t line = 0;                // 1-based line of the command's start
};

std::vector<JavaCommandLine> java_command_lines(std::string_view script);

}  // namespace imgstrip
