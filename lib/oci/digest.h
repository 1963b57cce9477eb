// Content digests ("sha256:<64 hex>"), computed while streaming with OpenSSL EVP.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/stream.h"

namespace imgstrip {

struct Digest {
  std::string algorithm;  // "sha256" (the only one we compute; "sha512" is parsed)
  std::string hex;        // lower-case hex

  // Parses "algo:hex"; throws Error naming the text when malformed.
  static Digest parse(std::string_view text);
  static bool valid(std::string_view text);
  std::string str() const { return algorithm + ":" + hex; }
  bool empty() const { return hex.empty(); }
  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;
};

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t n);
  void update(std::string_view s) { update(s.data(), s.size()); }
  Digest finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

Digest sha256_of(std::string_view data);

// Passes bytes through while hashing them.
class HashingReader : public ReadStream {
 public:
  explicit HashingReader(ReadStream& inner) : inner_(inner) {}
  size_t read(void* buf, size_t n) override;
  uint64_t count() const { return count_; }
  Digest finish() { return hash_.finish(); }

 private:
  ReadStream& inner_;
  Sha256 hash_;
  uint64_t count_ = 0;
};

class HashingWriter : public WriteStream {
 public:
  explicit HashingWriter(WriteStream* inner = nullptr) : inner_(inner) {}
  void write(const void* buf, size_t n) override;
  using WriteStream::write;
  uint64_t count() const { return count_; }
  Digest finish() { return hash_.finish(); }

 private:
  WriteStream* inner_;
  Sha256 hash_;
  uint64_t count_ = 0;
};

// Verifies a blob while it is read: more bytes than `size`, fewer bytes at the end, or a
// different digest are errors naming `what` (e.g. "blob sha256:ab.. of oci:dir"). The
// error is raised by the read that reaches the end, so a consumer never sees a clean
// end of a bad blob. size < 0 means unknown.
class VerifyingReader : public ReadStream {
 public:
  VerifyingReader(std::unique_ptr<ReadStream> inner, Digest expected, int64_t size,
                  std::string what);
  size_t read(void* buf, size_t n) override;

 private:
  std::unique_ptr<ReadStream> inner_;
  Digest expected_;
  int64_t size_;
  std::string what_;
  Sha256 hash_;
  uint64_t count_ = 0;
  bool done_ = false;
};

}  // namespace imgstrip
