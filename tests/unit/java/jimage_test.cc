// The jimage reader: the host JDK's lib/modules, small images written here, and damaged
// ones (a clear Error, never a crash or a read past the bytes).
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.h"
#include "java_test_util.h"

using namespace imgstrip;
using namespace imgstrip::java_test;

TEST_CASE("the host JDK's run-time image: every module's declaration", "[java][jimage]") {
  StringReader in(host_image());
  JImageModules m = read_jimage_modules(in);
  CHECK(m.index.major == 1);
  CHECK(m.index.resources.size() > 20000);
  CHECK(m.compressed.empty());  // Debian's jlink does not compress
  CHECK(m.module_info.size() >= 60);
  REQUIRE(m.module_info.count("java.base"));
  REQUIRE(m.module_info.count("jdk.hotspot.agent"));
  CHECK(m.module_info.at("java.base").starts_with("\xCA\xFE\xBA\xBE"));
  auto object = std::find_if(m.index.resources.begin(), m.index.resources.end(), [](const auto& r) {
    return r.module == "java.base" && r.parent == "java/lang" && r.base == "Object";
  });
  REQUIRE(object != m.index.resources.end());
  CHECK(object->extension == "class");
}

TEST_CASE("a written jimage reads back; compressed declarations are listed, not read",
          "[java][jimage]") {
  std::string image = make_jimage({{"/a.mod/module-info.class", "AAAA"},
                                   {"/a.mod/a/pkg/X.class", "xx"},
                                   {"/b.mod/module-info.class", "BBBBBB"}});
  StringReader in(image);
  JImageModules m = read_jimage_modules(in);
  CHECK(m.index.resources.size() == 3);
  CHECK(m.module_info.at("a.mod") == "AAAA");
  CHECK(m.module_info.at("b.mod") == "BBBBBB");
  CHECK(m.index.resources[1].parent == "a/pkg");

  StringReader zin(make_jimage({{"/a.mod/module-info.class", "AAAA"}}, true));
  JImageModules z = read_jimage_modules(zin);
  CHECK(z.module_info.empty());
  CHECK(z.compressed == std::vector<std::string>{"a.mod"});
}

TEST_CASE("damaged jimages are errors that name the problem", "[java][jimage]") {
  // The declaration last: the reader needs every byte up to its end.
  std::string good = make_jimage({{"/a.mod/p/X.class", "x"}, {"/a.mod/module-info.class", "AAAA"}});
  auto error_of = [](std::string bytes) {
    try {
      StringReader in(std::move(bytes));
      read_jimage_modules(in);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("PK\x03\x04 and more bytes than a header has....."),
             Catch::Contains("bad magic"));
  std::string v2 = good;
  v2[6] = 2;  // version 2.0
  CHECK_THAT(error_of(v2), Catch::Contains("version 2.0"));
  // Every truncation: an error, never a crash.
  for (size_t n = 0; n < good.size(); ++n)
    CHECK_THAT(error_of(good.substr(0, n)), Catch::Contains("jimage:"));
  // A location offset past the locations table.
  std::string far = good;
  size_t offsets_at = kJImageHeaderSize + 2 * 4;
  far[offsets_at] = '\x7f';
  far[offsets_at + 1] = '\x7f';
  CHECK_THAT(error_of(far), Catch::Contains("past the locations table"));
  // Huge table sizes are refused before anything is allocated.
  std::string huge = good;
  huge[19] = '\x7f';
  CHECK_THAT(error_of(huge), Catch::Contains("larger than"));
  // An unknown attribute kind.
  std::string bad = good;
  size_t locations_at = kJImageHeaderSize + 2 * 8;
  bad[locations_at + 1] = static_cast<char>(12 << 3);
  CHECK_THAT(error_of(bad), Catch::Contains("unknown attribute"));
}
