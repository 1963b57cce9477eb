// Fuzzes parse_signing_key with hostile key files: it must load a P-256 key or refuse
// with UsageError, never crash. The first byte picks whether a passphrase is given.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "sign/signing_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace imgstrip;
  if (size == 0) return 0;
  std::optional<std::string> passphrase;
  if (data[0] & 1) passphrase = "fuzz";
  std::string pem(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    SigningKey key = parse_signing_key(pem, passphrase, "fuzz");
    (void)key.sign("payload");
  } catch (const Error&) {
  }
  return 0;
}
