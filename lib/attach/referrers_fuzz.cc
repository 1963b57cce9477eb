// Fuzzes add_referrer with hostile referrers indexes (what a registry's fallback tag
// holds): it must add or refuse with Error, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attach/referrers.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace imgstrip;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  RawManifest existing = RawManifest::of(std::string(media::kOciIndex), bytes);
  Artifact a{"application/spdx+json", "application/spdx+json", "{}", {}};
  Descriptor subject = descriptor_of(media::kOciManifest, "{}");
  try {
    add_referrer(existing, artifact_manifest(a, subject), "fuzz");
  } catch (const Error&) {
  }
  return 0;
}
