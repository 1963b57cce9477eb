#include "verify/stop.h"

#include <atomic>

namespace imgstrip::verify {

namespace {
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace

void request_stop() noexcept {
  g_stop.store(true, std::memory_order_relaxed);
}
bool stop_requested() noexcept {
  return g_stop.load(std::memory_order_relaxed);
}
void check_stop() {
  if (stop_requested()) throw Interrupted();
}

}  // namespace imgstrip::verify
