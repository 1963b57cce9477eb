#include "layer/parallel_gzip.h"

#include <libdeflate.h>

#include <algorithm>
#include <deque>
#include <future>
#include <string>
#include <thread>

#include "core/error.h"

namespace imgstrip {
namespace {

constexpr size_t kMember = 1 << 20;  // input bytes per gzip member

// One complete gzip member of `piece`.
std::string gzip_member(int level, std::shared_ptr<const std::string> piece) {
  std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> c(
      libdeflate_alloc_compressor(level), &libdeflate_free_compressor);
  if (!c) fail("libdeflate: cannot allocate a level {} compressor", level);
  std::string out(libdeflate_gzip_compress_bound(c.get(), piece->size()), '\0');
  size_t n =
      libdeflate_gzip_compress(c.get(), piece->data(), piece->size(), out.data(), out.size());
  if (n == 0) fail("libdeflate: gzip of a {} byte piece failed", piece->size());
  out.resize(n);
  return out;
}

class ParallelGzip : public Compressor {
 public:
  ParallelGzip(int level, WriteStream& out, unsigned threads) : out_(out), level_(level) {
    if (level_ == -1) level_ = 6;
    if (level_ < 0 || level_ > 9) fail("gzip level {} is out of range (0-9)", level_);
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    in_flight_ = 2 * threads;
    current_ = std::make_shared<std::string>();
    current_->reserve(kMember);
  }

  ~ParallelGzip() override {
    for (auto& f : pending_) {
      if (f.valid()) f.wait();  // nothing outlives the stream; errors were the caller's
    }
  }

  void write(const void* buf, size_t n) override {
    const char* p = static_cast<const char*>(buf);
    while (n > 0) {
      size_t take = std::min(n, kMember - current_->size());
      current_->append(p, take);
      p += take;
      n -= take;
      if (current_->size() == kMember) submit();
    }
  }

  void finish() override {
    // An empty input still makes one (empty) member: a gzip file is never zero bytes.
    if (!current_->empty() || !wrote_any_) submit();
    while (!pending_.empty())
      drain_one();
  }

 private:
  void submit() {
    auto piece = std::const_pointer_cast<const std::string>(current_);
    pending_.push_back(std::async(std::launch::async, gzip_member, level_, piece));
    wrote_any_ = true;
    current_ = std::make_shared<std::string>();
    current_->reserve(kMember);
    while (pending_.size() >= in_flight_)
      drain_one();
  }

  void drain_one() {
    std::string member = pending_.front().get();
    pending_.pop_front();
    out_.write(member.data(), member.size());
  }

  WriteStream& out_;
  int level_;
  size_t in_flight_ = 2;
  bool wrote_any_ = false;
  std::shared_ptr<std::string> current_;
  std::deque<std::future<std::string>> pending_;
};

}  // namespace

std::unique_ptr<Compressor> make_parallel_gzip(int level, WriteStream& out, unsigned threads) {
  return std::make_unique<ParallelGzip>(level, out, threads);
}

}  // namespace imgstrip
