#include "layer/parallel_gzip.h"

#include <zlib.h>

#include <algorithm>
#include <deque>
#include <future>
#include <string>
#include <thread>

#include "core/error.h"

namespace imgstrip {
namespace {

constexpr size_t kBlock = 128 * 1024;  // input bytes per block (as pigz)
constexpr size_t kDict = 32 * 1024;    // deflate's window

struct Piece {
  std::string data;  // raw deflate
  uLong crc = 0;     // of the block's input
  size_t length = 0;
};

// One block: raw deflate primed with `dict`, ending with a sync flush (a byte boundary
// the next block can follow) or, for the last block, the final deflate block.
Piece deflate_block(int level, std::shared_ptr<const std::string> block,
                    std::shared_ptr<const std::string> previous, bool last) {
  Piece p;
  p.length = block->size();
  p.crc =
      crc32(0L, reinterpret_cast<const Bytef*>(block->data()), static_cast<uInt>(block->size()));
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    fail("zlib: cannot start a deflate stream");
  }
  if (previous && !previous->empty()) {
    size_t n = std::min(kDict, previous->size());
    const char* d = previous->data() + previous->size() - n;
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(d), static_cast<uInt>(n));
  }
  p.data.resize(deflateBound(&z, static_cast<uLong>(block->size())) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block->data()));
  z.avail_in = static_cast<uInt>(block->size());
  z.next_out = reinterpret_cast<Bytef*>(p.data.data());
  z.avail_out = static_cast<uInt>(p.data.size());
  int flush = last ? Z_FINISH : Z_SYNC_FLUSH;
  int rc = deflate(&z, flush);
  bool done = last ? rc == Z_STREAM_END : rc == Z_OK && z.avail_in == 0 && z.avail_out != 0;
  size_t have = p.data.size() - z.avail_out;
  deflateEnd(&z);
  if (!done) fail("zlib: deflate of a {} byte block failed ({})", block->size(), rc);
  p.data.resize(have);
  return p;
}

class ParallelGzip : public Compressor {
 public:
  ParallelGzip(int level, WriteStream& out, unsigned threads) : out_(out), level_(level) {
    if (level_ == -1) level_ = 6;
    if (level_ < 0 || level_ > 9) fail("gzip level {} is out of range (0-9)", level_);
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    in_flight_ = 2 * threads;
    static const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    out_.write(header, sizeof header);
    current_ = std::make_shared<std::string>();
    current_->reserve(kBlock);
  }

  ~ParallelGzip() override {
    for (auto& f : pending_) {
      if (f.valid()) f.wait();  // nothing outlives the stream; errors were the caller's
    }
  }

  void write(const void* buf, size_t n) override {
    const char* p = static_cast<const char*>(buf);
    while (n > 0) {
      size_t take = std::min(n, kBlock - current_->size());
      current_->append(p, take);
      p += take;
      n -= take;
      // A full block waits for the next byte: only then is it known not to be the last.
      if (current_->size() == kBlock && n > 0) submit(false);
    }
  }

  void finish() override {
    submit(true);
    while (!pending_.empty())
      drain_one();
    unsigned char trailer[8];
    for (int i = 0; i < 4; ++i) {
      trailer[i] = static_cast<unsigned char>((crc_ >> (8 * i)) & 0xff);
      trailer[4 + i] = static_cast<unsigned char>((total_ >> (8 * i)) & 0xff);  // mod 2^32
    }
    out_.write(trailer, sizeof trailer);
  }

 private:
  void submit(bool last) {
    auto block = std::const_pointer_cast<const std::string>(current_);
    pending_.push_back(
        std::async(std::launch::async, deflate_block, level_, block, previous_, last));
    previous_ = block;
    current_ = std::make_shared<std::string>();
    current_->reserve(kBlock);
    while (pending_.size() >= in_flight_)
      drain_one();
  }

  void drain_one() {
    Piece p = pending_.front().get();
    pending_.pop_front();
    out_.write(p.data.data(), p.data.size());
    crc_ = crc32_combine(crc_, p.crc, static_cast<z_off_t>(p.length));
    total_ += p.length;
  }

  WriteStream& out_;
  int level_;
  size_t in_flight_ = 2;
  std::shared_ptr<std::string> current_;
  std::shared_ptr<const std::string> previous_;
  std::deque<std::future<Piece>> pending_;
  uLong crc_ = 0;
  uint64_t total_ = 0;
};

}  // namespace

std::unique_ptr<Compressor> make_parallel_gzip(int level, WriteStream& out, unsigned threads) {
  return std::make_unique<ParallelGzip>(level, out, threads);
}

}  // namespace imgstrip
