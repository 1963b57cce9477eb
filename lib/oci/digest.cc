#include "oci/digest.h"

#include <openssl/evp.h>

#include "core/error.h"

namespace imgstrip {
namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool Digest::valid(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto algo = text.substr(0, colon);
  auto hex = text.substr(colon + 1);
  if (algo == "sha256") return hex.size() == 64 && is_lower_hex(hex);
  if (algo == "sha512") return hex.size() == 128 && is_lower_hex(hex);
  return false;
}

Digest Digest::parse(std::string_view text) {
  if (!valid(text)) {
    fail("invalid digest \"{}\": expected sha256:<64 lower-case hex digits>", text.substr(0, 100));
  }
  auto colon = text.find(':');
  return Digest{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1) {
    fail("OpenSSL: cannot initialise sha256");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_->md);
}

void Sha256::update(const void* data, size_t n) {
  if (n == 0) return;
  if (EVP_DigestUpdate(ctx_->md, data, n) != 1) fail("OpenSSL: sha256 update failed");
}

Digest Sha256::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md, out, &len) != 1) fail("OpenSSL: sha256 final failed");
  static const char* hexdigits = "0123456789abcdef";
  std::string hex(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    hex[2 * i] = hexdigits[out[i] >> 4];
    hex[2 * i + 1] = hexdigits[out[i] & 15];
  }
  EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr);
  return Digest{"sha256", hex};
}

Digest sha256_of(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

size_t HashingReader::read(void* buf, size_t n) {
  size_t got = inner_.read(buf, n);
  hash_.update(buf, got);
  count_ += got;
  return got;
}

void HashingWriter::write(const void* buf, size_t n) {
  hash_.update(buf, n);
  count_ += n;
  if (inner_ != nullptr) inner_->write(buf, n);
}

VerifyingReader::VerifyingReader(std::unique_ptr<ReadStream> inner, Digest expected, int64_t size,
                                 std::string what)
    : inner_(std::move(inner)),
      expected_(std::move(expected)),
      size_(size),
      what_(std::move(what)) {
  if (expected_.algorithm != "sha256") {
    fail("{}: digest algorithm {} is not supported (only sha256)", what_, expected_.algorithm);
  }
}

size_t VerifyingReader::read(void* buf, size_t n) {
  if (done_) return 0;
  size_t got = inner_->read(buf, n);
  if (got > 0) {
    count_ += got;
    if (size_ >= 0 && count_ > static_cast<uint64_t>(size_)) {
      fail("{}: more data than the {} bytes its descriptor declares", what_, size_);
    }
    hash_.update(buf, got);
    return got;
  }
  done_ = true;
  if (size_ >= 0 && count_ != static_cast<uint64_t>(size_)) {
    fail("{}: truncated: got {} of {} bytes", what_, count_, size_);
  }
  Digest actual = hash_.finish();
  if (actual != expected_) {
    fail("{}: digest mismatch: content hashes to {}, expected {}", what_, actual.str(),
         expected_.str());
  }
  return 0;
}

}  // namespace imgstrip
