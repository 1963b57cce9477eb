// The cache's binary form: a round trip keeps everything; damaged bytes are an Error.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/tempdir.h"
#include "seccomp/analysis_cache.h"
#include "seccomp/analysis_codec.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

TEST_CASE("binary analysis: round trip and damaged input", "[seccomp][cache]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "p", R"(
#include <sys/syscall.h>
#include <unistd.h>
static void (*hook)(void);
static void h(void) { syscall(SYS_getpid); }
int main(int c, char** v) { hook = h; if (c > 1) hook(); return (int)syscall(c, v); }
)",
                     "-O2 -fPIE -pie");
  ObjectAnalysis a = analyze_file(exe);
  std::string bytes = encode_analysis(a);
  CHECK(analysis_to_json(decode_analysis(bytes)) == analysis_to_json(a));
  ObjectAnalysis libc = analyze_file("/lib/x86_64-linux-gnu/libc.so.6");
  std::string lb = encode_analysis(libc);
  CHECK(analysis_to_json(decode_analysis(lb)) == analysis_to_json(libc));
  INFO("libc: " << lb.size() << " bytes binary, " << analysis_to_json(libc).dump().size()
                << " bytes JSON");
  CHECK(lb.size() < analysis_to_json(libc).dump().size() / 2);

  for (size_t n = 0; n < bytes.size(); n += std::max<size_t>(1, bytes.size() / 97))
    CHECK_THROWS_AS(decode_analysis(std::string_view(bytes).substr(0, n)), Error);
  CHECK_THROWS_AS(decode_analysis(bytes + "x"), Error);
  std::string bad = bytes;
  bad[bad.size() / 2] = '\xff';
  try {
    (void)decode_analysis(bad);  // may still decode: then it is only some other analysis
  } catch (const Error&) {
  }
  CHECK_THROWS_AS(decode_analysis(std::string(64, '\xff')), Error);
}
