#include "layer/compressor.h"

#include <zstd.h>

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "layer/parallel_gzip.h"

namespace imgstrip {
namespace {

class PlainCompressor : public Compressor {
 public:
  explicit PlainCompressor(WriteStream& out) : out_(out) {}
  void write(const void* buf, size_t n) override { out_.write(buf, n); }
  void finish() override {}

 private:
  WriteStream& out_;
};

class ZstdCompressor : public Compressor {
 public:
  ZstdCompressor(int level, WriteStream& out) : out_(out), buffer_(ZSTD_CStreamOutSize()) {
    if (level == -1) level = 3;
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel() || level == 0) {
      fail("zstd level {} is out of range (1-{})", level, ZSTD_maxCLevel());
    }
    ctx_ = ZSTD_createCCtx();
    if (ctx_ == nullptr) fail("zstd: cannot create a compression context");
    check(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level));
    check(ZSTD_CCtx_setParameter(ctx_, ZSTD_c_checksumFlag, 1));
  }
  ~ZstdCompressor() override { ZSTD_freeCCtx(ctx_); }
  void write(const void* buf, size_t n) override {
    ZSTD_inBuffer in{buf, n, 0};
    while (in.pos < in.size)
      run(in, ZSTD_e_continue);
  }
  void finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    while (run(in, ZSTD_e_end) != 0) {
    }
  }

 private:
  static size_t check(size_t rc) {
    if (ZSTD_isError(rc)) fail("zstd: {}", ZSTD_getErrorName(rc));
    return rc;
  }
  size_t run(ZSTD_inBuffer& in, ZSTD_EndDirective mode) {
    ZSTD_outBuffer out{buffer_.data(), buffer_.size(), 0};
    size_t left = check(ZSTD_compressStream2(ctx_, &out, &in, mode));
    if (out.pos > 0) out_.write(buffer_.data(), out.pos);
    return left;
  }

  WriteStream& out_;
  ZSTD_CCtx* ctx_ = nullptr;
  std::vector<char> buffer_;
};

}  // namespace

std::unique_ptr<Compressor> make_compressor(media::Compression c, int level, WriteStream& out) {
  switch (c) {
    case media::Compression::Gzip:
      return make_parallel_gzip(level, out);
    case media::Compression::Zstd:
      return std::make_unique<ZstdCompressor>(level, out);
    case media::Compression::None:
      break;
  }
  return std::make_unique<PlainCompressor>(out);
}

}  // namespace imgstrip
