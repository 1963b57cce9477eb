// The Java rule: what a `java` command line and the jars it names need, read statically.
//
// java_command() reads one command line (from the config's Entrypoint/Cmd, or a shell
// script line found by java_command_lines()):
//  - the runtime: argv[0] (absolute, JAVA_HOME/bin/java, or through PATH) and, when it is a
//    JDK's bin/java, that home's lib/ (the launcher dlopens lib/server/libjvm.so, reads
//    lib/modules and lib/jvm.cfg), conf/ and release, kept whole;
//  - -jar FILE; else -cp/-classpath/--class-path, else CLASSPATH, else "." (the working
//    directory, only when a main class is named): each entry kept, directories whole,
//    `dir/*` as the jars in dir;
//  - --module-path/-p and --upgrade-module-path (directories whole), --patch-module,
//    -Xbootclasspath[/a|/p]:, -javaagent:JAR, -agentpath:LIB, -splash:FILE,
//    -Djava.library.path= (directories whole), -Dloader.path= (Spring Boot), and any other
//    -Dname=/absolute/path or -XX:Name=/absolute/path that exists;
//  - @argfiles (kept, and their arguments read), a source file (`java App.java`).
// $VAR, ${VAR} and ${VAR:-default} are expanded from `env`; an argument that still has a
// '$' is noted and skipped. Arguments after the main class, the jar or the module belong
// to the application and are not read.
//
// java_jar() reads a kept jar's META-INF/MANIFEST.MF (java_manifest.h) through libarchive:
// Class-Path entries (relative to the jar's directory) are kept, directories whole, and so
// are an agent's Boot-Class-Path entries. Nested jars (Spring Boot's BOOT-INF/lib) are
// inside the jar already.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fs/tree.h"
#include "resolve/findings.h"

namespace imgstrip {

Findings java_command(const FileTree& tree, const std::vector<std::string>& argv,
                      std::string_view working_dir,
                      const std::vector<std::pair<std::string, std::string>>& env);

Findings java_jar(const FileTree& tree, const std::string& jar_path);

// True for a jar by name (*.jar, *.war, any case).
bool is_jar(std::string_view path);

}  // namespace imgstrip
