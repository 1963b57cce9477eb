// libFuzzer target: any bytes, fed in any split, must leave MessageStream with a result or
// an error, never a crash, and within its bounds.
// Build with -DIMGSTRIP_FUZZ=ON (clang) and run fuzz_engine_messages (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  imgstrip::MessageStream whole;
  whole.feed(bytes);
  whole.finish();
  // The same bytes a few at a time (the first byte picks the chunk size) give the same.
  imgstrip::MessageStream pieces;
  size_t step = size == 0 ? 1 : 1 + data[0] % 7;
  for (size_t i = 0; i < size; i += step)
    pieces.feed(bytes.substr(i, step));
  pieces.finish();
  if (whole.error() != pieces.error() || whole.loaded() != pieces.loaded()) std::abort();
  if (whole.loaded().size() > imgstrip::MessageStream::kMaxNames) std::abort();
  return 0;
}
