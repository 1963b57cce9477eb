// Key loading with keys made by the openssl command line, as users make them.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/stream.h"
#include "core/tempdir.h"
#include "sign/signing_key.h"

using namespace imgstrip;
namespace fs = std::filesystem;

namespace {

void run(const std::string& command) {
  REQUIRE(std::system((command + " 2>/dev/null").c_str()) == 0);
}

std::string usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  FAIL("no UsageError");
  return "";
}

}  // namespace

TEST_CASE("P-256 keys in the forms openssl writes load and sign") {
  TempDir dir;
  fs::path d = dir.path();
  std::string sec1 = (d / "sec1.pem").string();
  run("openssl ecparam -genkey -name prime256v1 -noout -out " + sec1);
  run("openssl ecparam -genkey -name prime256v1 -out " + (d / "params.pem").string());
  run("openssl pkcs8 -topk8 -nocrypt -in " + sec1 + " -out " + (d / "pkcs8.pem").string());
  run("openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:s3cret -in " + sec1 + " -out " +
      (d / "enc.pem").string());
  run("openssl ec -in " + sec1 + " -pubout -out " + (d / "pub.pem").string());

  for (const char* name : {"sec1.pem", "params.pem", "pkcs8.pem"}) {
    SigningKey key = load_signing_key(d / name, std::nullopt);
    std::string sig = key.sign("payload");
    CHECK(key.verify("payload", sig));
    CHECK_FALSE(key.verify("payload2", sig));
  }
  write_file_atomic(d / "pass", "s3cret\n");
  SigningKey enc = load_signing_key(d / "enc.pem", d / "pass");
  CHECK(enc.public_pem() == read_file(d / "pub.pem", 4096));

  // The signature verifies with openssl, as the README tells users to check it.
  write_file_atomic(d / "payload", "the payload");
  write_file_atomic(d / "sig.der", enc.sign("the payload"));
  run("openssl dgst -sha256 -verify " + (d / "pub.pem").string() + " -signature " +
      (d / "sig.der").string() + " " + (d / "payload").string() + " >/dev/null");
}

TEST_CASE("hostile and wrong keys are usage errors that say why") {
  TempDir dir;
  fs::path d = dir.path();
  run("openssl genrsa -out " + (d / "rsa.pem").string() + " 2048");
  run("openssl ecparam -genkey -name secp384r1 -noout -out " + (d / "p384.pem").string());
  run("openssl ecparam -genkey -name prime256v1 -noout -out " + (d / "k.pem").string());
  run("openssl ec -in " + (d / "k.pem").string() + " -pubout -out " + (d / "pub.pem").string());
  run("openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:right -in " + (d / "k.pem").string() +
      " -out " + (d / "enc.pem").string());
  write_file_atomic(d / "wrong", "wrong\n");

  CHECK_THAT(usage_error([&] { load_signing_key(d / "rsa.pem", std::nullopt); }),
             Catch::Contains("an RSA key"));
  CHECK_THAT(usage_error([&] { load_signing_key(d / "p384.pem", std::nullopt); }),
             Catch::Contains("secp384r1"));
  CHECK_THAT(usage_error([&] { load_signing_key(d / "pub.pem", std::nullopt); }),
             Catch::Contains("public key"));
  CHECK_THAT(usage_error([&] { load_signing_key(d / "enc.pem", std::nullopt); }),
             Catch::Contains("--sign-passphrase-file"));
  CHECK_THAT(usage_error([&] { load_signing_key(d / "enc.pem", d / "wrong"); }),
             Catch::Contains("wrong passphrase"));
  CHECK_THAT(usage_error([&] { load_signing_key(d / "missing.pem", std::nullopt); }),
             Catch::Contains("missing.pem"));
  CHECK_THAT(usage_error([&] { load_signing_key(d / "k.pem", d / "missing"); }),
             Catch::Contains("--sign-passphrase-file"));
  CHECK_THAT(usage_error([&] { parse_signing_key("hello", std::nullopt, "x"); }),
             Catch::Contains("not a PEM"));
  CHECK_THAT(usage_error([&] {
               parse_signing_key(
                   "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
                   std::nullopt, "x");
             }),
             Catch::Contains("not a readable PEM private key"));
  CHECK_THAT(usage_error([&] {
               parse_signing_key("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n", std::nullopt,
                                 "x");
             }),
             Catch::Contains("cosign's own"));
}
