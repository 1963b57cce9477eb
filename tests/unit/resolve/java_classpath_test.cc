// The Java rule: java command lines (every option that names files), shell scripts'
// java lines, MANIFEST.MF parsing, hostile jars, and real jars built here with javac/jar
// whose Class-Path the rule follows: the kept jars alone run the application.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/tempdir.h"
#include "resolve/java_classpath.h"
#include "resolve/java_manifest.h"
#include "resolve/java_shell.h"
#include "unit/resolve/helpers.h"

using namespace imgstrip;
using namespace imgstrip::test;

namespace {

std::set<std::string> kept(const Findings& f, bool tree_only = false) {
  std::set<std::string> out;
  for (auto& k : f.keep) {
    if (!tree_only || k.tree) out.insert(k.path);
  }
  return out;
}

bool noted(const Findings& f, const std::string& text) {
  for (auto& n : f.notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

using S = std::set<std::string>;
using Args = std::vector<std::string>;

// A JDK-like home in /usr/lib/jvm/jdk, with java in PATH through a symlink, and an app.
TreeBuilder java_tree() {
  TreeBuilder b;
  b.file("usr/lib/jvm/jdk/bin/java",
         "\x7f"
         "ELF",
         0755)
      .file("usr/lib/jvm/jdk/bin/javac",
            "\x7f"
            "ELF",
            0755)
      .file("usr/lib/jvm/jdk/lib/modules", "jimage")
      .file("usr/lib/jvm/jdk/lib/server/libjvm.so",
            "\x7f"
            "ELF")
      .file("usr/lib/jvm/jdk/conf/security/java.security", "")
      .file("usr/lib/jvm/jdk/release", "JAVA_VERSION=\"17\"")
      .file("usr/lib/jvm/jdk/jmods/java.base.jmod", "big")
      .symlink("usr/bin/java", "../lib/jvm/jdk/bin/java")
      .file("app/app.jar", "PK")
      .file("app/lib/a.jar", "PK")
      .file("app/lib/b.JAR", "PK")
      .file("app/lib/notes.txt", "")
      .file("app/classes/Main.class", "")
      .file("app/agent.jar", "PK")
      .file("app/native/libfoo.so",
            "\x7f"
            "ELF")
      .file("app/mods/m.jar", "PK")
      .file("app/logback.xml", "")
      .file("app/Hello.java", "")
      .file("app/java.args",
            "# options\n-cp \"lib/a.jar:classes\"\n-Dlogback.configurationFile=/app/logback.xml\n");
  return b;
}

}  // namespace

TEST_CASE("java: -jar, class paths, CLASSPATH and the default", "[java]") {
  FileTree tree = java_tree().build();
  SECTION("-jar keeps the jar and the runtime; the class path is not read") {
    Findings f = java_command(tree, {"java", "-Xmx1g", "-jar", "app.jar", "-cp", "x"}, "/app", {});
    CHECK(kept(f) == S{"usr/bin/java", "usr/lib/jvm/jdk/lib", "usr/lib/jvm/jdk/conf",
                       "usr/lib/jvm/jdk/release", "app/app.jar"});
    CHECK(kept(f, true) == S{"usr/lib/jvm/jdk/lib", "usr/lib/jvm/jdk/conf"});
    CHECK(f.notes.empty());
  }
  SECTION("-cp with a wildcard, a directory and a missing entry") {
    Findings f = java_command(
        tree,
        {"/usr/lib/jvm/jdk/bin/java", "-cp", "lib/*:classes:gone.jar", "com.x.Main", "-cp", "y"},
        "/app", {});
    S k = kept(f);
    CHECK(k.count("app/lib/a.jar") == 1);
    CHECK(k.count("app/lib/b.JAR") == 1);
    CHECK(k.count("app/lib/notes.txt") == 0);
    CHECK(kept(f, true).count("app/classes") == 1);
    CHECK(noted(f, "/app/gone.jar is not in the image"));
  }
  SECTION("--class-path=, -classpath and CLASSPATH from the environment") {
    CHECK(kept(java_command(tree, {"java", "--class-path=/app/lib/a.jar", "Main"}, "/", {}))
              .count("app/lib/a.jar") == 1);
    CHECK(kept(java_command(tree, {"java", "-classpath", "/app/classes", "Main"}, "/", {}), true)
              .count("app/classes") == 1);
    Findings f = java_command(tree, {"java", "Main"}, "/", {{"CLASSPATH", "/app/lib/a.jar"}});
    CHECK(kept(f).count("app/lib/a.jar") == 1);
  }
  SECTION("no class path: the working directory, never the root") {
    CHECK(kept(java_command(tree, {"java", "Main"}, "/app/classes", {}), true) ==
          S{"usr/lib/jvm/jdk/lib", "usr/lib/jvm/jdk/conf", "app/classes"});
    Findings f = java_command(tree, {"java", "Main"}, "/", {});
    CHECK(kept(f, true) == S{"usr/lib/jvm/jdk/lib", "usr/lib/jvm/jdk/conf"});
    CHECK(noted(f, "working directory /, not kept whole"));
    CHECK(kept(java_command(tree, {"java", "-version"}, "/app", {})).count("app") == 0);
  }
  SECTION("JAVA_HOME and PATH find the launcher") {
    Findings f = java_command(tree, {"java", "-jar", "/app/app.jar"}, "/",
                              {{"JAVA_HOME", "/usr/lib/jvm/jdk"}});
    CHECK(kept(f).count("usr/lib/jvm/jdk/bin/java") == 1);
    Findings g = java_command(tree, {"java", "-jar", "/app/app.jar"}, "/", {{"PATH", "/nowhere"}});
    CHECK(kept(g) == S{"app/app.jar"});
  }
}

TEST_CASE("java: options that name files", "[java]") {
  FileTree tree = java_tree().build();
  Findings f = java_command(
      tree,
      {"java", "-javaagent:/app/agent.jar=opt=1", "-agentpath:/app/native/libfoo.so=x",
       "-Djava.library.path=/app/native:/missing", "-Dlogback.configurationFile=/app/logback.xml",
       "-Djava.io.tmpdir=/app", "-Dloader.path=file:/app/lib/,/app/mods", "-p", "/app/mods",
       "--add-modules", "ALL-SYSTEM", "-XX:SharedArchiveFile=/app/app.jar",
       "-Xbootclasspath/a:/app/lib/a.jar", "-splash:/app/logback.xml", "-m", "mod/com.x.Main",
       "-javaagent:/app/ignored.jar"},
      "/", {});
  S k = kept(f);
  for (const char* p : {"app/agent.jar", "app/native/libfoo.so", "app/native", "app/logback.xml",
                        "app/lib", "app/mods", "app/app.jar", "app/lib/a.jar"}) {
    INFO(p);
    CHECK(k.count(p) == 1);
  }
  CHECK(kept(f, true).count("app/native") == 1);
  CHECK(k.count("app") == 0);              // -Djava.io.tmpdir names a directory the JVM writes to
  CHECK(k.count("app/ignored.jar") == 0);  // after -m: the application's arguments
  CHECK(noted(f, "/missing is not in the image"));

  SECTION("@argfiles are kept and read; a source file is kept") {
    Findings g = java_command(tree, {"java", "@java.args", "Hello.java", "@notread"}, "/app", {});
    S kg = kept(g);
    CHECK(kg.count("app/java.args") == 1);
    CHECK(kg.count("app/lib/a.jar") == 1);
    CHECK(kg.count("app/classes") == 1);
    CHECK(kg.count("app/logback.xml") == 1);
    CHECK(kg.count("app/Hello.java") == 1);
    CHECK(java_command(tree, {"java", "@missing.args"}, "/app", {}).notes.size() == 1);
  }
  SECTION("variables come from the environment; unknown ones are noted") {
    Findings g =
        java_command(tree, {"${JAVA_HOME}/bin/java", "-cp", "$APP/lib/*:$NOPE/x.jar", "Main"}, "/",
                     {{"JAVA_HOME", "/usr/lib/jvm/jdk"}, {"APP", "/app"}});
    CHECK(kept(g).count("app/lib/a.jar") == 1);
    CHECK(kept(g).count("usr/lib/jvm/jdk/bin/java") == 1);
    CHECK(noted(g, "$NOPE/x.jar names a variable that is not known"));
  }
  SECTION("degenerate command lines") {
    CHECK(java_command(tree, {}, "/", {}).keep.empty());
    CHECK_NOTHROW(java_command(tree, {"java", "-cp"}, "/", {}));
    CHECK_NOTHROW(java_command(tree, {"java", "-jar"}, "/", {}));
    CHECK_NOTHROW(java_command(tree, {"java", "-cp", ":::", "M"}, "/", {}));
    CHECK_NOTHROW(java_command(tree, {"java", "-cp", "../../../..", "M"}, "/", {}));
    CHECK_NOTHROW(java_command(tree, {"java", "${", "$", "${X:-${Y}}"}, "/", {}));
  }
}

TEST_CASE("java: command lines in shell scripts", "[java]") {
  auto lines = java_command_lines(R"(#!/bin/sh
set -e
# java -jar /commented.jar
JAVA_HOME=/opt/jdk
APP_HOME="/app"
CP="$APP_HOME/lib/a.jar:$APP_HOME/classes"
if [ -x "$JAVA_HOME/bin/java" ]; then JAVACMD="$JAVA_HOME/bin/java"; else JAVACMD=java; fi
exec "$JAVACMD" $JAVA_OPTS -cp "$CP" \
  -Dname='a b' com.example.Main "$@"
cat <<EOF
java -jar /heredoc.jar
EOF
nohup env -i FOO=1 /usr/bin/java -jar ${APP_JAR:-/app/app.jar} >/var/log/app.log 2>&1 &
gosu app java -version && echo ok
)");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].argv == Args{"java", "$JAVA_OPTS", "-cp", "/app/lib/a.jar:/app/classes",
                              "-Dname=a b", "com.example.Main", "$@"});
  CHECK(lines[0].line == 8);
  CHECK(lines[1].argv == Args{"/usr/bin/java", "-jar", "/app/app.jar"});
  CHECK(lines[1].line == 13);
  CHECK(lines[2].argv == Args{"java", "-version"});
  // The assignments seen last win (a loose reading: JAVACMD=java came after the other).
  CHECK(java_command_lines("J=/opt/j/bin/java\n\"$J\" -cp x M").at(0).argv.at(0) ==
        "/opt/j/bin/java");
  CHECK(java_command_lines("echo java -jar x.jar; javac X.java; [ java ]").empty());
  CHECK(java_command_lines("exec -a myapp java -jar a.jar").at(0).argv ==
        Args{"java", "-jar", "a.jar"});
  CHECK(java_command_lines("tini -- java -jar a.jar").at(0).argv == Args{"java", "-jar", "a.jar"});
  // Hostile text: unterminated quotes, substitutions, lone backslashes.
  CHECK_NOTHROW(java_command_lines("java \"unterminated\njava '$(x\n`\\"));
  CHECK_NOTHROW(java_command_lines("${\n$(\n<<\n2>\n&>"));
}

TEST_CASE("java: MANIFEST.MF parsing", "[java]") {
  // The jar tool's output: CRLF, wrapped at 72 bytes with one-space continuation lines.
  std::string text =
      "Manifest-Version: 1.0\r\n"
      "Created-By: 17.0.15 (Debian)\r\n"
      "Main-Class: com.example.Main\r\n"
      "Class-Path: lib/first.jar lib/second-with-a-very-long-name-that-wraps.j\r\n"
      " ar lib/a%20b.jar file:/opt/abs.jar file:///opt/abs2.jar http://x/y.jar \r\n"
      " classes/\r\n"
      "\r\n"
      "Name: com/example/\r\n"
      "Class-Path: not/main/section.jar\r\n";
  JarManifest m = parse_manifest(text);
  CHECK(m.notes.empty());
  CHECK(m.get("main-class") == "com.example.Main");
  std::vector<std::string> skipped;
  auto entries = class_path_entries(m.get("Class-Path").value(), &skipped);
  CHECK(entries == Args{"lib/first.jar", "lib/second-with-a-very-long-name-that-wraps.jar",
                        "lib/a b.jar", "/opt/abs.jar", "/opt/abs2.jar", "classes/"});
  CHECK(skipped == Args{"http://x/y.jar"});
  // LF and lone CR endings, a BOM, junk lines.
  JarManifest lf = parse_manifest("\xEF\xBB\xBFManifest-Version: 1.0\nClass-Path: a.jar\rX-B: b\n");
  CHECK(lf.get("Class-Path") == "a.jar");
  CHECK(lf.get("x-b") == "b");
  CHECK(lf.notes.empty());
  JarManifest junk =
      parse_manifest(" continuation first\nno colon\n:empty name\nBad Name: x\nOk:x");
  CHECK(junk.attributes.size() == 1);
  CHECK(junk.get("ok") == "x");
  CHECK(junk.notes.size() == 4);
  CHECK(parse_manifest("").attributes.empty());
  CHECK(class_path_entries("  a%2 b%zz %41  ") == Args{"a%2", "b%zz", "A"});
}

namespace {

// A zip with the given members, built by the host's jar tool (stored with `jar --no-compress`
// when asked), returned as bytes.
std::string host_jar(const std::filesystem::path& dir, const std::string& name,
                     const std::string& command) {
  int rc = 0;
  std::string out = command_output("cd " + dir.string() + " && " + command + " 2>&1", &rc);
  if (rc != 0) throw std::runtime_error(command + " failed: " + out);
  return read_file(dir / name, size_t{1} << 30);
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("java: hostile and odd jars give notes, never a failure", "[java]") {
  TempDir dir("imgstrip-java");
  write(dir.path() / "x/A.txt", "a");
  write(dir.path() / "m.txt", "Class-Path: lib/a.jar\n");
  std::string good = host_jar(dir.path(), "g.jar", "jar cfm g.jar m.txt -C x .");
  std::string none = host_jar(dir.path(), "n.jar", "jar cfM n.jar -C x .");
  std::string huge_manifest = "Manifest-Version: 1.0\nClass-Path: lib/a.jar\nX: x\n";
  for (int i = 0; i < 45000; ++i)  // 3 MiB of continuation lines
    huge_manifest += " " + std::string(70, 'x') + "\n";
  write(dir.path() / "big.txt", huge_manifest);
  std::string big = host_jar(dir.path(), "b.jar", "jar cfm b.jar big.txt -C x .");
  // Over 64 MiB: streamed rather than read whole.
  std::string streamed = host_jar(dir.path(), "s.jar",
                                  "mkdir -p y && head -c 70000000 /dev/zero > y/zeros && jar "
                                  "--create --no-compress --file s.jar --manifest m.txt -C y .");
  REQUIRE(streamed.size() > (64u << 20));
  TreeBuilder b;
  b.file("app/lib/a.jar", "PK")
      .file("app/good.jar", good)
      .file("app/streamed.jar", streamed)
      .file("app/streamed-truncated.jar", streamed.substr(0, 65u << 20))
      .file("app/none.jar", none)
      .file("app/big.jar", big)
      .file("app/truncated.jar", good.substr(0, good.size() / 2))
      .file("app/header-only.jar", good.substr(0, 30))
      .file("app/random.jar", std::string(5000, '\x9c'))
      .file("app/empty.jar", "")
      .symlink("app/link.jar", "good.jar");
  FileTree tree = b.build();
  CHECK(kept(java_jar(tree, "app/good.jar")) == S{"app/lib/a.jar"});
  CHECK(kept(java_jar(tree, "app/link.jar")) == S{"app/lib/a.jar"});
  CHECK(java_jar(tree, "app/none.jar").keep.empty());
  CHECK(kept(java_jar(tree, "app/streamed.jar")) == S{"app/lib/a.jar"});
  CHECK(kept(java_jar(tree, "app/streamed-truncated.jar")) == S{"app/lib/a.jar"});
  Findings bigf = java_jar(tree, "app/big.jar");
  CHECK(kept(bigf) == S{"app/lib/a.jar"});
  CHECK(noted(bigf, "manifest larger than"));
  for (const char* p : {"app/truncated.jar", "app/header-only.jar", "app/random.jar",
                        "app/empty.jar", "app/missing.jar", "app/lib"}) {
    INFO(p);
    Findings f;
    CHECK_NOTHROW(f = java_jar(tree, p));
  }
  CHECK(noted(java_jar(tree, "app/random.jar"), "/app/random.jar: "));
}

TEST_CASE("java: a real jar's Class-Path, built with javac and jar, runs from the kept jars",
          "[java]") {
  TempDir dir("imgstrip-java");
  auto d = dir.path();
  write(d / "src/dep/Greeter.java",
        "package dep;\npublic class Greeter { public static String hi() { return \"hi from dep\"; "
        "} }\n");
  write(d / "src/extra/Shout.java",
        "package extra;\npublic class Shout { public static String up(String s) { return "
        "s.toUpperCase(); } }\n");
  write(d / "src/app/Main.java",
        "package app;\npublic class Main { public static void main(String[] a) throws Exception {\n"
        "  System.out.println(extra.Shout.up(dep.Greeter.hi()));\n"
        "  System.out.println(new "
        "String(Main.class.getResourceAsStream(\"/conf.txt\").readAllBytes()));\n"
        "} }\n");
  write(d / "res/conf.txt", "conf from a directory");
  // Class-Path long enough for the jar tool to wrap it at 72 bytes, with a space in a name.
  write(d / "manifest.txt",
        "Main-Class: app.Main\nClass-Path: lib/dep-with-a-rather-long-file-name-1.0.0.jar "
        "lib/extra%20tools.jar ../res/ lib/not-there.jar\n");
  int rc = 0;
  std::string out = command_output(
      "cd " + d.string() +
          " && mkdir -p out/dep out/extra out/app lib"
          " && javac -d out/dep src/dep/Greeter.java && javac -d out/extra src/extra/Shout.java"
          " && jar cf 'lib/dep-with-a-rather-long-file-name-1.0.0.jar' -C out/dep ."
          " && jar cf 'lib/extra tools.jar' -C out/extra ."
          " && javac -cp out/dep:out/extra -d out/app src/app/Main.java"
          " && jar cfm app.jar manifest.txt -C out/app . 2>&1",
      &rc);
  INFO(out);
  REQUIRE(rc == 0);
  // The jar tool wrapped the Class-Path line.
  std::string mf =
      command_output("mkdir -p " + (d / "mf").string() + " && cd " + (d / "mf").string() +
                     " && jar xf ../app.jar META-INF/MANIFEST.MF && cat META-INF/MANIFEST.MF");
  CHECK(mf.find("\r\n ") != std::string::npos);

  TreeBuilder b;
  b.host_file("opt/app/bin/app.jar", d / "app.jar", 0644)
      .host_file("opt/app/bin/lib/dep-with-a-rather-long-file-name-1.0.0.jar",
                 d / "lib/dep-with-a-rather-long-file-name-1.0.0.jar", 0644)
      .host_file("opt/app/bin/lib/extra tools.jar", d / "lib/extra tools.jar", 0644)
      .host_file("opt/app/bin/lib/unused.jar", d / "lib/extra tools.jar", 0644)
      .host_file("opt/app/res/conf.txt", d / "res/conf.txt", 0644);
  FileTree tree = b.build();

  Findings cmd = java_command(tree, {"java", "-jar", "bin/app.jar"}, "/opt/app", {});
  CHECK(kept(cmd) == S{"opt/app/bin/app.jar"});
  Findings jar = java_jar(tree, "opt/app/bin/app.jar");
  CHECK(kept(jar) == S{"opt/app/bin/lib/dep-with-a-rather-long-file-name-1.0.0.jar",
                       "opt/app/bin/lib/extra tools.jar", "opt/app/res"});
  CHECK(kept(jar, true) == S{"opt/app/res"});
  CHECK(noted(jar, "Class-Path entry lib/not-there.jar is not in the image"));
  CHECK(jar.keep[0].why == "Class-Path of /opt/app/bin/app.jar");

  // The kept paths alone, written out, run with this host's java.
  std::set<std::string> paths = kept(cmd);
  for (auto& k : jar.keep) {
    paths.insert(k.path);
    if (k.tree) {
      for (auto& [p, e] : tree.entries())
        if (p.starts_with(k.path + "/")) paths.insert(p);
    }
  }
  extract(tree, paths, d / "root");
  CHECK_FALSE(std::filesystem::exists(d / "root/opt/app/bin/lib/unused.jar"));
  std::string run =
      command_output("cd " + (d / "root/opt/app").string() + " && java -jar bin/app.jar 2>&1", &rc);
  INFO(run);
  CHECK(rc == 0);
  CHECK(run == "HI FROM DEP\nconf from a directory\n");
}
