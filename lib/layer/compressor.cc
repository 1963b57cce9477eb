#include "layer/compressor.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <vector>

#include "core/error.h"

namespace imgstrip {
namespace {

constexpr size_t kOutBlock = 1 << 18;

class PlainCompressor : public Compressor {
 public:
  explicit PlainCompressor(WriteStream& out) : out_(out) {}
  void write(const void* buf, size_t n) override { out_.write(buf, n); }
  void finish() override {}

 private:
  WriteStream& out_;
};

class GzipCompressor : public Compressor {
 public:
  GzipCompressor(int level, WriteStream& out) : out_(out), buffer_(kOutBlock) {
    if (level == -1) level = 6;
    if (level < 0 || level > 9) fail("gzip level {} is out of range (0-9)", level);
    // 15 + 16: a gzip wrapper; zlib writes its header with mtime 0, no name, OS unix.
    if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      fail("zlib: cannot start a gzip stream");
    }
  }
  ~GzipCompressor() override { deflateEnd(&z_); }
  void write(const void* buf, size_t n) override {
    const char* p = static_cast<const char*>(buf);
    while (n > 0) {
      size_t take = std::min<size_t>(n, 1 << 30);  // avail_in is 32 bits
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
      z_.avail_in = static_cast<uInt>(take);
      run(Z_NO_FLUSH);
      p += take;
      n -= take;
    }
  }
  void finish() override { run(Z_FINISH); }

 private:
  void run(int flush) {
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
      z_.avail_out = static_cast<uInt>(buffer_.size());
      int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) fail("zlib: deflate failed");
      size_t have = buffer_.size() - z_.avail_out;
      if (have > 0) out_.write(buffer_.data(), have);
      if (flush == Z_FINISH ? rc == Z_STREAM_END : z_.avail_in == 0 && z_.avail_out != 0) {
        return;
      }
    }
  }

  WriteStream& out_;
  z_stream z_{};
  std::vector<char> buffer_;
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
      return std::make_unique<GzipCompressor>(level, out);
    case media::Compression::Zstd:
      return std::make_unique<ZstdCompressor>(level, out);
    case media::Compression::None:
      break;
  }
  return std::make_unique<PlainCompressor>(out);
}

}  // namespace imgstrip
