#include "progress.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "common.h"

namespace imgstrip::cli {

std::function<void(const TransferProgress&)> progress_display() {
  struct State {
    std::mutex mu;
    std::map<std::string, std::pair<uint64_t, int64_t>> blobs;
    std::chrono::steady_clock::time_point last{};
  };
  auto state = std::make_shared<State>();
  return [state](const TransferProgress& p) {
    std::lock_guard<std::mutex> lock(state->mu);
    state->blobs[p.blob.str()] = {p.done, p.total};
    auto now = std::chrono::steady_clock::now();
    if (!p.finished && now - state->last < std::chrono::milliseconds(100)) return;
    state->last = now;
    uint64_t done = 0;
    uint64_t total = 0;
    size_t finished = 0;
    for (auto& [_, v] : state->blobs) {
      done += v.first;
      if (v.second > 0) total += static_cast<uint64_t>(v.second);
      if (v.second >= 0 && v.first >= static_cast<uint64_t>(v.second)) ++finished;
    }
    std::string line =
        fmt::format("\r{} / {}  ({} of {} blobs) {}", human_size(done), human_size(total), finished,
                    state->blobs.size(), p.blob.hex.substr(0, 12));
    std::fputs(line.c_str(), stderr);
    std::fputs("\x1b[K", stderr);
    std::fflush(stderr);
  };
}

}  // namespace imgstrip::cli
