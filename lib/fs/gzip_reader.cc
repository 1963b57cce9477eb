#include "fs/gzip_reader.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace imgstrip {
namespace {

constexpr size_t kInput = 256 * 1024;

std::string_view inflate_problem(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER:
      return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "compression method is not deflate";
    case ISAL_INCORRECT_CHECKSUM:
      return "CRC-32 or length check failed";
    case ISAL_NEED_DICT:
      return "needs a preset dictionary";
    default:
      return "inflate failed";
  }
}

bool is_gzip_magic(const uint8_t* p) {
  return p[0] == 0x1f && p[1] == 0x8b;
}

class GzipReader : public ReadStream {
 public:
  GzipReader(ReadStream& in, std::string name, std::string prefix)
      : in_(in), name_(std::move(name)), buffer_(std::max(kInput, prefix.size())) {
    std::memcpy(buffer_.data(), prefix.data(), prefix.size());
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;
    state_.next_in = buffer_.data();
    state_.avail_in = static_cast<uint32_t>(prefix.size());
  }

  size_t read(void* buf, size_t n) override {
    while (!done_ && n > 0) {
      if (state_.block_state == ISAL_BLOCK_FINISH) {
        next_member();
        continue;
      }
      if (state_.avail_in == 0) refill();
      state_.next_out = static_cast<uint8_t*>(buf);
      state_.avail_out = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
      uint32_t out_before = state_.avail_out;
      uint32_t in_before = state_.avail_in;
      int rc = isal_inflate(&state_);
      if (rc < 0) fail("{}: corrupt gzip data: {}", name_, inflate_problem(rc));
      size_t produced = out_before - state_.avail_out;
      total_out_ += produced;
      if (produced > 0) return produced;
      // Nothing produced, nothing consumed, no more input: the member never ends.
      if (state_.block_state != ISAL_BLOCK_FINISH && eof_ && in_before == state_.avail_in)
        fail("{}: the gzip stream is truncated (after {} bytes of output)", name_, total_out_);
    }
    return 0;
  }

 private:
  // Appends more input after what is left; false at the end of the input.
  bool refill() {
    if (eof_) return false;
    size_t left = state_.avail_in;
    if (left > 0 && state_.next_in != buffer_.data())
      std::memmove(buffer_.data(), state_.next_in, left);
    size_t got = in_.read(buffer_.data() + left, buffer_.size() - left);
    if (got == 0) eof_ = true;
    state_.next_in = buffer_.data();
    state_.avail_in = static_cast<uint32_t>(left + got);
    return got > 0;
  }

  // After a member: another one, or the end (anything else is trailing bytes, ignored).
  void next_member() {
    while (state_.avail_in < 2 && refill()) {
    }
    if (state_.avail_in >= 2 && is_gzip_magic(state_.next_in)) {
      uint8_t* next = state_.next_in;
      uint32_t avail = state_.avail_in;
      isal_inflate_reset(&state_);
      state_.crc_flag = ISAL_GZIP;
      state_.next_in = next;
      state_.avail_in = avail;
      return;
    }
    state_.avail_in = 0;
    drain(in_);
    eof_ = true;
    done_ = true;
  }

  ReadStream& in_;
  std::string name_;
  std::vector<uint8_t> buffer_;
  inflate_state state_{};
  uint64_t total_out_ = 0;
  bool eof_ = false;
  bool done_ = false;
};

// Gives back the bytes read to look at the magic, then the rest of `in`.
class PrefixedReader : public ReadStream {
 public:
  PrefixedReader(ReadStream& in, std::string prefix) : in_(in), prefix_(std::move(prefix)) {}
  size_t read(void* buf, size_t n) override {
    if (at_ < prefix_.size()) {
      size_t take = std::min(n, prefix_.size() - at_);
      std::memcpy(buf, prefix_.data() + at_, take);
      at_ += take;
      return take;
    }
    return in_.read(buf, n);
  }

 private:
  ReadStream& in_;
  std::string prefix_;
  size_t at_ = 0;
};

}  // namespace

std::unique_ptr<ReadStream> gunzip_if_gzip(ReadStream& in, std::string name) {
  std::string head(2, '\0');
  size_t have = 0;
  while (have < head.size()) {
    size_t got = in.read(head.data() + have, head.size() - have);
    if (got == 0) break;
    have += got;
  }
  head.resize(have);
  if (have == 2 && is_gzip_magic(reinterpret_cast<const uint8_t*>(head.data())))
    return std::make_unique<GzipReader>(in, std::move(name), std::move(head));
  return std::make_unique<PrefixedReader>(in, std::move(head));
}

}  // namespace imgstrip
