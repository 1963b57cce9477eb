// Python's functions called by name: PyMethodDef tables recognised in compiled objects (a
// position-independent extension module and a position-dependent program, as Debian's
// python3.11 is), their functions rooted only when the name is used, and the names read
// from kept files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include "core/tempdir.h"
#include "fs/content_store.h"
#include "seccomp/analysis_cache.h"
#include "seccomp/analysis_codec.h"
#include "seccomp/named_functions.h"
#include "seccomp/profile.h"
#include "seccomp/script_names.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

// The C API a module uses, without Python: a stub library to link against.
fs::path make_stub(const fs::path& dir) {
  return compile(dir, "libpystub.so", R"(
void* PyModule_Create2(void* def, int api) { return def; }
int _PyArg_CheckPositional(const char* name, long n, long min, long max) { return name != 0; }
void* PyObject_GetAttrString(void* o, const char* name) { return (void*)name; }
)",
                 "-O2 -shared -fPIC -Wl,-soname,libpystub.so");
}

// A module with three methods: x_chroot (named by Python code in the tests), x_sethostname
// (its name only in its own argument check, as Argument Clinic writes it), x_syncfs
// (looked up by name from C).
const char* kModule = R"C(
#include <sys/syscall.h>
#include <unistd.h>
typedef struct { const char* ml_name; void* ml_meth; int ml_flags; const char* ml_doc; } MethodDef;
typedef struct { long head[5]; MethodDef* methods; } ModuleDef;
void* PyModule_Create2(void*, int);
int _PyArg_CheckPositional(const char*, long, long, long);
void* PyObject_GetAttrString(void*, const char*);
static void* m_chroot(void* s, void* a) { return (void*)syscall(SYS_chroot, "/"); }
static void* m_sethostname(void* s, void* a) {
  if (!_PyArg_CheckPositional("x_sethostname", (long)a, 1, 1)) return 0;
  return (void*)syscall(SYS_sethostname, "x", 1);
}
static void* m_syncfs(void* s, void* a) { return (void*)syscall(SYS_syncfs, 0); }
static MethodDef methods[] = {
    {"x_chroot", (void*)m_chroot, 0x1, "chroot($module, /)"},
    {"x_sethostname", (void*)m_sethostname, 0x8, 0},
    {"x_syncfs", (void*)m_syncfs, 0x4, 0},
    {0, 0, 0, 0}};
static ModuleDef def = {{1, 2, 3, 4, 5}, methods};
__attribute__((noinline)) void* call_syncfs(void* o) { return PyObject_GetAttrString(o, "x_syncfs"); }
void* PyInit_mod(void) { return PyModule_Create2(&def, 1013); }
)C";

std::string stub_flags(const fs::path& dir) {
  return "-L'" + dir.string() + "' -lpystub -Wl,-rpath,'" + dir.string() + "'";
}

bool has_name(const std::vector<NamedFunction>& m, std::string_view name) {
  return std::any_of(m.begin(), m.end(), [&](const NamedFunction& x) { return x.name == name; });
}

// The stub-linked extension module of kModule, built in `dir`.
fs::path compile_module(const fs::path& dir) {
  make_stub(dir);
  return compile(dir, "mod.cpython-311-x86_64-linux-gnu.so", kModule,
                 "-O2 -shared -fPIC " + stub_flags(dir));
}

// Python names chroot; PHP's pool holds the other two, which Python's gate must not see.
CalledNames gating_names() {
  return {{"x_chroot", "os", "path"}, {"x_syncfs", "x_sethostname"}};
}

void check_gating(const SyscallAnalysis& all, const SyscallAnalysis& gated) {
  for (const char* s : {"chroot", "sethostname", "syncfs"}) {
    INFO(s);
    CHECK(allows(all, s));
  }
  CHECK(allows(gated, "chroot"));             // named by Python code
  CHECK(allows(gated, "syncfs"));             // looked up by name from C
  CHECK_FALSE(allows(gated, "sethostname"));  // named by nothing but its own error message
  REQUIRE(gated.named_left_out.size() == 1);
  CHECK(gated.named_left_out[0].names == std::vector<std::string>{"x_sethostname"});
  CHECK(gated.named_left_out[0].methods == 3);
  CHECK(all.named_left_out.empty());
}

}  // namespace

TEST_CASE("python methods of a position-independent extension module, gated by name",
          "[seccomp][python]") {
  TempDir tmp;
  auto so = compile_module(tmp.path());
  ObjectAnalysis o = analyze_file(so);
  REQUIRE(o.named.functions.size() == 3);
  CHECK(has_name(o.named.functions, "x_chroot"));
  CHECK(std::binary_search(o.named.c_names.begin(), o.named.c_names.end(), "x_syncfs"));
  CHECK_FALSE(std::binary_search(o.named.c_names.begin(), o.named.c_names.end(), "x_sethostname"));
  CHECK_FALSE(std::binary_search(o.named.c_names.begin(), o.named.c_names.end(), "x_chroot"));

  SyscallAnalysis all = analyze_host({}, {}, {so});
  SeccompOptions options;
  options.script_names = gating_names();
  SyscallAnalysis gated = analyze_host({}, options, {so});
  INFO(explain_text(gated));
  check_gating(all, gated);
}

TEST_CASE("the name pool is computed only where some object calls functions by name",
          "[seccomp][python]") {
  TempDir tmp;
  auto so = compile_module(tmp.path());
  auto plain = compile(tmp.path(), "libplain.so", R"(
#include <unistd.h>
int plain(void) { return sethostname("x", 1); }
)",
                       "-O2 -shared -fPIC");
  int calls = 0;
  SeccompOptions options;
  options.script_names_source = [&]() -> std::optional<CalledNames> {
    ++calls;
    return gating_names();
  };
  SyscallAnalysis gated = analyze_host({}, options, {so});
  CHECK(calls == 1);
  INFO(explain_text(gated));
  check_gating(analyze_host({}, {}, {so}), gated);

  calls = 0;
  SyscallAnalysis none = analyze_host({}, options, {plain});
  CHECK(calls == 0);  // no runtime that would use the names: the image is not read for them
  CHECK(allows(none, "sethostname"));

  // Set names win over the source, which is not called then.
  options.script_names = CalledNames{{"x_chroot"}, {}};
  CHECK(allows(analyze_host({}, options, {so}), "chroot"));
  CHECK(calls == 0);
}

TEST_CASE("python methods of a position-dependent program, gated by name", "[seccomp][python]") {
  TempDir tmp;
  make_stub(tmp.path());
  auto exe = compile(tmp.path(), "python", std::string(kModule) + R"(
int main(int argc, char** argv) { call_syncfs(argv); return PyInit_mod() != 0; }
)",
                     "-O2 -no-pie -fno-pie " + stub_flags(tmp.path()));
  ObjectAnalysis o = analyze_file(exe);
  REQUIRE(o.named.functions.size() == 3);
  SyscallAnalysis all = analyze_host({exe});
  SeccompOptions options;
  options.script_names = CalledNames{{"x_chroot"}, {}};
  SyscallAnalysis gated = analyze_host({exe}, options);
  INFO(explain_text(gated));
  check_gating(all, gated);
}

TEST_CASE("no python methods outside objects that use the Python API", "[seccomp][python]") {
  TempDir tmp;
  // The same record shape in a library that builds no Python module: an option table.
  auto so = compile(tmp.path(), "libopts.so", R"(
#include <unistd.h>
typedef struct { const char* name; void* fn; int flags; const char* help; } Opt;
static long o_a(void) { return getpid(); }
static long o_b(void) { return getppid(); }
Opt opts[] = {{"alpha", (void*)o_a, 1, "a"}, {"beta", (void*)o_b, 4, 0}, {0, 0, 0, 0}};
)",
                    "-O2 -shared -fPIC");
  CHECK(analyze_file(so).named.functions.empty());
}

TEST_CASE("identifiers of kept files, in text and in bytecode", "[seccomp][python]") {
  NameSet names;
  add_identifiers("os.setpriority(0, 0, 5)  # 2nd try\n", false, names);
  CHECK(names == NameSet{"os", "setpriority", "try"});
  names.clear();
  // marshal: a type letter + length + text, back to back; the length of a 70-character
  // docstring is the letter 'F'.
  std::string doc(70, 'x');
  doc.replace(0, 6, "Return");
  add_identifiers(std::string("\xe3)\x03Z\x04"
                              "forkZ\x0bsetpriorityZF",
                              25) +
                      doc + "z\x03nic",
                  true, names);
  for (const char* n : {"fork", "setpriority", "nic"}) {
    INFO(n);
    CHECK(names.count(n) == 1);
  }

  auto store = std::make_shared<ContentStore>();
  FileTree tree(store);
  auto add = [&](const std::string& path, const std::string& data) {
    Entry e;
    e.path = path;
    e.size = data.size();
    e.content = store->append(data);
    tree.insert(e);
  };
  add("app/app.py", "import os\nos.nice(1)\n");
  add("app/templates/page.html", "{{ value.isoformat() }}");
  add("usr/bin/python3",
      "\x7f"
      "ELF not read");
  add("usr/lib/python3/dist-packages/x.egg", "PK\x03\x04...");
  std::set<std::string> kept = {"app/app.py", "app/templates/page.html", "usr/bin/python3"};
  ScriptNames n = script_names(tree, kept, {"python3", "-c", "import os; os.chroot('/')"});
  REQUIRE(n.names);
  for (const char* s : {"os", "nice", "isoformat", "chroot", "value"}) {
    INFO(s);
    CHECK(n.names->python.count(s) == 1);
  }
  CHECK(n.names->python.count("ELF") == 0);
  // PHP: no open tag in a template, nothing PHP runs; the command line counts.
  CHECK(n.names->php.count("isoformat") == 0);
  CHECK(n.names->php.count("chroot") == 1);
  // PHP runs what follows an open tag, and reads function names from configuration.
  add("var/www/html/index.php", "<html><title>symlink</title><?php echo date('c'); ?><p>glob</p>");
  add("var/www/html/page.html", "link sleep");
  add("var/www/html/.user.ini", "output_handler = ob_gzhandler");
  add("etc/nginx/fastcgi.conf",
      "# symlink it\nfastcgi_param PHP_VALUE \"a=1\n  unserialize_callback_func=cb\";\n"
      "fastcgi_param link;\n");
  add("etc/apache2/php.conf", "php_admin_value output_handler \\\n  mb_output_handler\nsleep");
  add("etc/php/8.2/fpm/pool.d/www.conf", "php_admin_value[assert.callback] = my_cb");
  add("usr/local/etc/php-fpm.d/zz.conf", "[www]\nlisten = 9000 ; other_cb\n");
  add("usr/share/doc/x/notes.txt", "<?xml version?> time");
  add("etc/apache2/sites/site.conf", "php_value output_handler early_cb\n<?xml?>");
  std::set<std::string> php_kept = {
      "var/www/html/index.php",          "var/www/html/page.html",
      "var/www/html/.user.ini",          "etc/nginx/fastcgi.conf",
      "usr/share/doc/x/notes.txt",       "etc/apache2/php.conf",
      "etc/php/8.2/fpm/pool.d/www.conf", "usr/local/etc/php-fpm.d/zz.conf",
      "etc/apache2/sites/site.conf"};
  ScriptNames php = script_names(tree, php_kept, {});
  REQUIRE(php.names);
  for (const char* s : {"date", "echo", "glob", "ob_gzhandler", "cb", "time", "mb_output_handler",
                        "my_cb", "other_cb", "early_cb"}) {
    INFO(s);
    CHECK(php.names->php.count(s) == 1);
  }
  for (const char* s : {"symlink", "link", "sleep", "html"}) {
    INFO(s);
    CHECK(php.names->php.count(s) == 0);
    CHECK(php.names->python.count(s) == 1);
  }
  // No script kept: nothing to gate.
  CHECK_FALSE(script_names(tree, {"app/templates/page.html"}, {}).names);
  // An archive Python imports from hides its code: not gated, and why.
  kept.insert("usr/lib/python3/dist-packages/x.egg");
  ScriptNames hidden = script_names(tree, kept, {});
  CHECK_FALSE(hidden.names);
  CHECK(hidden.why_not == "/usr/lib/python3/dist-packages/x.egg is an archive of code, not read");
}

TEST_CASE("Debian's python3.11: its method tables and the names its C code looks up",
          "[seccomp][python]") {
  // python3 is a dependency of the test tools (scripts/setup.sh); Debian's is not PIE.
  fs::path python = "/usr/bin/python3.11";
  REQUIRE(fs::exists(python));
  ObjectAnalysis o = analyze_file(python);
  INFO(o.named.functions.size() << " methods, " << o.named.c_names.size() << " C names");
  CHECK(o.named.functions.size() > 1000);
  for (const char* m : {"setpriority", "fork", "chroot", "sched_setaffinity", "setsockopt"}) {
    INFO(m);
    CHECK(has_name(o.named.functions, m));
  }
  auto c_name = [&](const char* n) {
    return std::binary_search(o.named.c_names.begin(), o.named.c_names.end(), n);
  };
  CHECK(c_name("fileno"));  // _PyObject_CallMethod(fd, &_Py_ID(fileno)) and the like
  CHECK(c_name("__enter__"));
  // Module functions only their own argument checks name, and the C library's function
  // names in .dynstr, are no lookups.
  CHECK_FALSE(c_name("setpriority"));
  CHECK_FALSE(c_name("sched_setaffinity"));
  // The cache keeps them.
  CHECK(analysis_to_json(decode_analysis(encode_analysis(o))) == analysis_to_json(o));
}

TEST_CASE("PHP functions of an extension, gated by name, case-insensitively", "[seccomp][php]") {
  TempDir tmp;
  compile(tmp.path(), "libphpstub.so", R"(
int zend_register_functions(void* s, const void* f, void* t, int type) { return f != 0; }
int zend_parse_parameters(unsigned n, const char* spec, ...) { return spec != 0; }
)",
          "-O2 -shared -fPIC -Wl,-soname,libphpstub.so");
  auto so = compile(tmp.path(), "posixish.so", R"C(
#include <sys/syscall.h>
#include <unistd.h>
typedef struct { const char* fname; void* handler; const void* arg_info; unsigned num_args; unsigned flags; } FunctionEntry;
typedef struct { long a, b; } ArgInfo;
static const ArgInfo info_one[2] = {{1, 0}, {0, 0}};
int zend_register_functions(void*, const void*, void*, int);
static void zif_x_setpgid(void* ex, void* rv) { syscall(SYS_setpgid, 0, 0); }
static void zif_x_mknod(void* ex, void* rv) { syscall(SYS_mknodat, -100, "x", 0, 0); }
static const FunctionEntry functions[] = {
    {"x_setpgid", (void*)zif_x_setpgid, info_one, 1, 0},
    {"x_mknod", (void*)zif_x_mknod, info_one, 1, 0},
    {0, 0, 0, 0, 0}};
typedef struct { long size; const FunctionEntry* functions; } ModuleEntry;
static ModuleEntry module = {sizeof(ModuleEntry), functions};
ModuleEntry* get_module(void) { return &module; }
int startup(void) { return zend_register_functions(0, functions, 0, 1); }
)C",
                    "-O2 -shared -fPIC -L'" + tmp.path().string() + "' -lphpstub -Wl,-rpath,'" +
                        tmp.path().string() + "'");
  ObjectAnalysis o = analyze_file(so);
  REQUIRE(o.named.functions.size() == 2);
  CHECK(o.named.functions[0].by == Interpreter::Php);
  SyscallAnalysis all = analyze_host({}, {}, {so});
  CHECK(allows(all, "setpgid"));
  CHECK(allows(all, "mknodat"));
  SeccompOptions options;
  // PHP's names, in any case; Python's do not count for PHP.
  options.script_names = CalledNames{{"x_mknod"}, {"X_SetPgid", "echo"}};
  SyscallAnalysis gated = analyze_host({}, options, {so});
  INFO(explain_text(gated));
  CHECK(allows(gated, "setpgid"));
  CHECK_FALSE(allows(gated, "mknodat"));
  REQUIRE(gated.named_left_out.size() == 1);
  CHECK(gated.named_left_out[0].names == std::vector<std::string>{"x_mknod"});
}
