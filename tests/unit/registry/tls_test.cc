// TLS: a registry with a certificate from a throwaway CA.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "fixture.h"
#include "oci/reference.h"
#include "registry/registry.h"

using namespace imgstrip;

TEST_CASE("TLS with a private CA") {
  imgstrip::TempDir dir("imgstrip-tls");
  auto d = dir.path().string();
  test::run("cd " + d +
            " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
            "-subj /CN=imgstrip-test-ca"
            " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
            "-subj /CN=127.0.0.1"
            " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf"
            " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
            "-out server.crt -days 2 -extfile ext.cnf"
            " && mkdir certs && cp ca.crt certs/ca.crt");
  test::Registry reg(
      test::Registry::Config{"", dir.path() / "server.crt", dir.path() / "server.key"});
  auto img = test::make_image("tls", "amd64", 50 << 10);
  std::string ref = reg.host() + "/secure:1";

  SECTION("verified with --cert-dir") {
    RegistryOptions o;
    o.cert_dir = dir.path() / "certs";
    o.retry_delay = std::chrono::milliseconds(10);
    CHECK(test::push_image(img, ref, o) == img.raw.digest);
    auto src = open_registry_source(Reference::parse(ref), o);
    CHECK(src->root().digest == img.raw.digest);
  }
  SECTION("an unknown CA is refused with advice") {
    RegistryOptions o;
    o.retries = 0;
    REQUIRE_THROWS_WITH(open_registry_source(Reference::parse(ref), o),
                        Catch::Contains(reg.host()) && Catch::Contains("TLS failed") &&
                            Catch::Contains("--cert-dir") && Catch::Contains("--tls-verify=false"));
  }
  SECTION("--tls-verify=false accepts it unverified") {
    CHECK(test::push_image(img, ref, test::insecure()) == img.raw.digest);
    auto src = open_registry_source(Reference::parse(ref), test::insecure());
    CHECK(src->root().digest == img.raw.digest);
  }
}
