// JNI native names back to their package, class and method.
#include <catch2/catch.hpp>

#include "java/jni_symbol.h"

using namespace imgstrip;

TEST_CASE("JNI natives name their package, class and method", "[java][jni]") {
  auto n = jni_native("Java_sun_jvm_hotspot_debugger_linux_LinuxDebuggerLocal_attach0__I");
  REQUIRE(n);
  CHECK(n->package == "sun.jvm.hotspot.debugger.linux");
  CHECK(n->class_name == "LinuxDebuggerLocal");
  CHECK(n->method == "attach0");

  n = jni_native("Java_sun_nio_ch_EPoll_create");
  REQUIRE(n);
  CHECK(n->package == "sun.nio.ch");
  CHECK(n->class_name == "EPoll");

  // '_' in a name is "_1", a nested class's '$' is "_00024".
  n = jni_native("Java_my_1pkg_Outer_00024Inner_do_1it");
  REQUIRE(n);
  CHECK(n->package == "my_pkg");
  CHECK(n->class_name == "Outer$Inner");
  CHECK(n->method == "do_it");

  n = jni_native("Java_Top_run");  // the unnamed package
  REQUIRE(n);
  CHECK(n->package.empty());
  CHECK(n->class_name == "Top");

  CHECK_FALSE(jni_native("JNI_OnLoad"));
  CHECK_FALSE(jni_native("Java_"));
  CHECK_FALSE(jni_native("Java_Only"));
  CHECK_FALSE(jni_native("Java__x_y"));
  CHECK_FALSE(jni_native("Java_a_B_m_0zz"));  // a broken escape
  CHECK_FALSE(jni_native("Java_a_B_m_00"));
}
