// Hidden ([.perf]): pulls IMGSTRIP_PERF_REF (plain HTTP) with prefetch and streams every
// layer, then reports the peak RSS. Set up the image with skopeo beforehand.
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "fixture.h"
#include "image/copy.h"
#include "image/image.h"
#include "oci/reference.h"
#include "registry/registry.h"

using namespace imgstrip;

TEST_CASE("peak memory of a pull", "[.perf]") {
  const char* ref = std::getenv("IMGSTRIP_PERF_REF");
  if (ref == nullptr) return;
  RegistryOptions o = test::insecure();
  o.jobs = std::getenv("IMGSTRIP_PERF_JOBS") ? std::atoi(std::getenv("IMGSTRIP_PERF_JOBS")) : 4;
  auto src = open_registry_source(Reference::parse(ref), o);
  Image img = load_image(*src, Platform::parse("linux/amd64"));
  src->prefetch(img.manifest.layers);
  uint64_t total = 0;
  for (const auto& l : img.manifest.layers) {
    auto in = open_blob(*src, l);
    total += drain(*in);
  }
  if (const char* dest = std::getenv("IMGSTRIP_PERF_DEST")) {
    RegistryOptions d = test::insecure();
    d.chunk_threshold = 20 << 20;
    d.chunk_size = 8 << 20;
    auto sink = open_registry_sink(Reference::parse(dest), d);
    CopyResult r = copy_image(*src, *sink, Platform::parse("linux/amd64"));
    WARN("pushed " << r.bytes_copied << " bytes to " << dest);
  }
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  WARN("pulled " << total << " bytes, peak RSS " << u.ru_maxrss / 1024 << " MB");
  CHECK(u.ru_maxrss < 100 * 1024);
}
