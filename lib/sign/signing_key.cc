#include "sign/signing_key.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstring>

#include "core/error.h"
#include "core/stream.h"

namespace imgstrip {
namespace {

// The reason of OpenSSL's last error, and an empty error queue.
std::string openssl_reason() {
  unsigned long e = ERR_peek_last_error();
  std::string text;
  if (e != 0) {
    const char* r = ERR_reason_error_string(e);
    text = r != nullptr ? r : "error " + std::to_string(e);
  }
  ERR_clear_error();
  return text.empty() ? "unknown OpenSSL error" : text;
}

struct PassphraseState {
  const std::optional<std::string>* passphrase;
  bool asked = false;
};

int passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* state = static_cast<PassphraseState*>(user);
  state->asked = true;
  if (!*state->passphrase) return -1;
  const std::string& p = **state->passphrase;
  if (size < 0 || p.size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, p.data(), p.size());
  return static_cast<int>(p.size());
}

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

}  // namespace

SigningKey parse_signing_key(std::string_view pem, const std::optional<std::string>& passphrase,
                             std::string_view where) {
  ERR_clear_error();
  if (contains(pem, "SIGSTORE PRIVATE KEY") || contains(pem, "COSIGN PRIVATE KEY")) {
    usage_fail(
        "{}: cosign's own encrypted key format is not supported: give the key as PEM (SEC1 "
        "\"EC PRIVATE KEY\" or PKCS#8)",
        where);
  }
  if (!contains(pem, "-----BEGIN ")) {
    usage_fail("{}: not a PEM private key (no -----BEGIN line)", where);
  }
  if (pem.size() > static_cast<size_t>(INT32_MAX)) usage_fail("{}: too large", where);
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) throw std::bad_alloc();
  PassphraseState state{&passphrase};
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &state);
  if (raw == nullptr) {
    std::string reason = openssl_reason();
    bool encrypted = contains(pem, "ENCRYPTED");
    if (encrypted && !passphrase) {
      usage_fail("{}: the key is encrypted: give its passphrase with --sign-passphrase-file",
                 where);
    }
    if (encrypted && state.asked) {
      usage_fail("{}: cannot decrypt the key: wrong passphrase ({})", where, reason);
    }
    if (contains(pem, "PUBLIC KEY") && !contains(pem, "PRIVATE KEY")) {
      usage_fail("{}: this is a public key; signing needs the private key", where);
    }
    usage_fail("{}: not a readable PEM private key ({})", where, reason);
  }
  SigningKey key(raw);
  int id = EVP_PKEY_get_base_id(raw);
  if (id != EVP_PKEY_EC) {
    const char* type = id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS ? "an RSA"
                       : id == EVP_PKEY_ED25519                     ? "an Ed25519"
                       : id == EVP_PKEY_DSA                         ? "a DSA"
                                                                    : "a non-EC";
    usage_fail(
        "{}: {} key; cosign-format signatures here need an ECDSA P-256 key "
        "(openssl ecparam -genkey -name prime256v1)",
        where, type);
  }
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(raw, group, sizeof group, &len) != 1) {
    ERR_clear_error();
    usage_fail("{}: an EC key without a named curve; need P-256 (prime256v1)", where);
  }
  std::string curve(group, std::min(len, sizeof group - 1));
  if (curve != "prime256v1" && curve != "P-256") {
    usage_fail("{}: an EC key on curve {}; need P-256 (prime256v1)", where, curve);
  }
  PkeyCtx ctx(EVP_PKEY_CTX_new(raw, nullptr), EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_check(ctx.get()) != 1) {
    usage_fail("{}: the key is not consistent ({})", where, openssl_reason());
  }
  return key;
}

SigningKey load_signing_key(const std::filesystem::path& key_file,
                            const std::optional<std::filesystem::path>& passphrase_file) {
  std::string where = key_file.string();
  std::optional<std::string> passphrase;
  if (passphrase_file) {
    std::string text;
    try {
      text = read_file(*passphrase_file, 64 << 10);
    } catch (const Error& e) {
      usage_fail("--sign-passphrase-file: {}", e.what());
    }
    std::string line = text.substr(0, text.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    passphrase = line;
  }
  std::string pem;
  try {
    pem = read_file(key_file, 64 << 10);
  } catch (const Error& e) {
    usage_fail("--sign-by-sigstore-private-key: {}", e.what());
  }
  return parse_signing_key(pem, passphrase, where);
}

std::string SigningKey::sign(std::string_view data) const {
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    fail("signing failed: {}", openssl_reason());
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    fail("signing failed: {}", openssl_reason());
  }
  sig.resize(len);
  return sig;
}

bool SigningKey::verify(std::string_view data, std::string_view der) const {
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    fail("verifying failed: {}", openssl_reason());
  }
  int ok =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size());
  ERR_clear_error();
  return ok == 1;
}

std::string SigningKey::public_pem() const {
  Bio bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    fail("cannot write the public key: {}", openssl_reason());
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace imgstrip
