// The private key that signs images: ECDSA P-256 in PEM, as `openssl ecparam -genkey
// -name prime256v1` writes it (SEC1 "EC PRIVATE KEY", also the legacy encrypted form),
// PKCS#8 "PRIVATE KEY" and passphrase-protected "ENCRYPTED PRIVATE KEY". Loaded and
// checked (curve, the public point matches the private scalar) before any work, so a
// wrong key is a usage error, not a failure after the image was pushed.
#pragma once

#include <openssl/evp.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace imgstrip {

class SigningKey {
 public:
  explicit SigningKey(EVP_PKEY* key) : key_(key, EVP_PKEY_free) {}

  // ECDSA over SHA-256 of `data`: the DER-encoded signature (what cosign stores, base64).
  std::string sign(std::string_view data) const;
  // Whether `der` is a signature of `data` by this key.
  bool verify(std::string_view data, std::string_view der) const;
  // The public key, PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as `openssl ec -pubout` writes.
  std::string public_pem() const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

// Parses a PEM private key; `passphrase` decrypts an encrypted one. Throws UsageError
// naming `where` and the problem: not PEM, encrypted without a passphrase, a wrong
// passphrase, not an EC key (RSA...), another curve, an inconsistent key.
SigningKey parse_signing_key(std::string_view pem, const std::optional<std::string>& passphrase,
                             std::string_view where);

// Reads and parses the key file (at most 64 KiB); the passphrase file's first line is the
// passphrase (a trailing newline is not part of it). UsageError when either is unreadable.
SigningKey load_signing_key(const std::filesystem::path& key_file,
                            const std::optional<std::filesystem::path>& passphrase_file);

}  // namespace imgstrip
