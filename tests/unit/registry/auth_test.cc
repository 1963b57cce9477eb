// Authentication: htpasswd Basic auth, token (Bearer) auth with a real JWT issuer, and
// credentials from --creds, auth files and credential helpers.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "core/error.h"
#include "fixture.h"
#include "image/image.h"
#include "oci/reference.h"
#include "registry/auth.h"
#include "registry/credentials.h"
#include "registry/errors.h"
#include "registry/http.h"
#include "registry/registry.h"

using namespace imgstrip;
using test::insecure;

namespace {

// Sets an environment variable for the scope of a test.
class Env {
 public:
  Env(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~Env() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string htpasswd_yaml(const std::filesystem::path& dir) {
  test::run("htpasswd -Bbn alice s3cret-pw > " + (dir / "htpasswd").string());
  return "  htpasswd: {realm: test, path: " + (dir / "htpasswd").string() + "}\n";
}

std::string auth_json(const std::string& key, const std::string& user, const std::string& pw) {
  return Json({{"auths", {{key, {{"auth", base64_encode(user + ":" + pw)}}}}}}).dump();
}

}  // namespace

TEST_CASE("WWW-Authenticate challenges parse") {
  auto c = parse_challenges(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  REQUIRE(c.size() == 1);
  CHECK(c[0].scheme == "bearer");
  CHECK(c[0].params["realm"] == "https://auth.example/token");
  CHECK(c[0].params["service"] == "registry.example");
  CHECK(c[0].params["scope"] == "repository:a/b:pull,push");
  auto two =
      parse_challenges(R"(Basic realm="x y", Bearer realm=https://t/ , error="invalid_token")");
  REQUIRE(two.size() == 2);
  CHECK(two[0].scheme == "basic");
  CHECK(two[0].params["realm"] == "x y");
  CHECK(two[1].params["realm"] == "https://t/");
  CHECK(two[1].params["error"] == "invalid_token");
}

TEST_CASE("registry error bodies become one line") {
  ErrorContext c{"127.0.0.1:5000/foo", "tag 'x'", false, ""};
  CHECK(describe_registry_error(
            c, 404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})") ==
        "127.0.0.1:5000/foo: manifest unknown (tag 'x' does not exist): check the tag");
  CHECK_THAT(describe_registry_error(
                 c, 429, R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})"),
             Catch::Contains("too many requests") && Catch::Contains("slow down"));
  CHECK_THAT(describe_registry_error(c, 401, ""),
             Catch::Contains("authentication required") && Catch::Contains("--creds"));
  ErrorContext push{"h/r", "blob sha256:ab", true, "--creds"};
  CHECK_THAT(describe_registry_error(push, 403, R"({"errors":[{"code":"DENIED"}]})"),
             Catch::Contains("access denied") && Catch::Contains("push to"));
  CHECK_THAT(describe_registry_error(push, 401, R"({"errors":[{"code":"UNAUTHORIZED"}]})"),
             Catch::Contains("refused the credentials from --creds"));
  CHECK_THAT(describe_registry_error(c, 503, "<html>"), Catch::Contains("HTTP 503"));
}

TEST_CASE("credentials from auth files and helpers") {
  imgstrip::TempDir dir("imgstrip-creds");
  auto d = dir.path();
  test::spit(d / "podman.json", auth_json("quay.io/team/app", "repo-user", "pw1"));
  test::spit(d / "podman2.json",
             Json({{"auths",
                    {{"quay.io", {{"auth", base64_encode("host-user:pw2")}}},
                     {"quay.io/team/app", {{"auth", base64_encode("repo-user:pw1")}}}}}})
                 .dump());
  auto c = credentials_from_file(d / "podman2.json", "quay.io", "team/app");
  REQUIRE(c);
  CHECK(c->username == "repo-user");
  c = credentials_from_file(d / "podman2.json", "quay.io", "other/app");
  REQUIRE(c);
  CHECK(c->username == "host-user");
  CHECK(c->password == "pw2");
  CHECK_FALSE(credentials_from_file(d / "podman.json", "ghcr.io", "x"));

  test::spit(d / "docker.json", auth_json("https://index.docker.io/v1/", "hub", "pw3"));
  c = credentials_from_file(d / "docker.json", "docker.io", "library/nginx");
  REQUIRE(c);
  CHECK(c->username == "hub");

  // A credential helper on PATH.
  std::filesystem::create_directories(d / "bin");
  test::spit(
      d / "bin/docker-credential-fake",
      "#!/bin/sh\nread server\n"
      "if [ \"$server\" = reg.example ]; then\n"
      "  echo '{\"ServerURL\":\"reg.example\",\"Username\":\"helper-user\",\"Secret\":\"pw4\"}'\n"
      "else echo 'credentials not found in native keychain'; exit 1; fi\n");
  std::filesystem::permissions(d / "bin/docker-credential-fake", std::filesystem::perms::owner_all);
  Env path("PATH", (d / "bin").string() + ":" + std::getenv("PATH"));
  test::spit(d / "helpers.json", R"({"credHelpers":{"reg.example":"fake"}})");
  c = credentials_from_file(d / "helpers.json", "reg.example", "a");
  REQUIRE(c);
  CHECK(c->username == "helper-user");
  CHECK(c->password == "pw4");
  CHECK(c->source == "docker-credential-fake");
  test::spit(d / "store.json", R"({"auths":{"reg.example":{}},"credsStore":"fake"})");
  c = credentials_from_file(d / "store.json", "reg.example", "a");
  REQUIRE(c);
  CHECK(c->username == "helper-user");
  CHECK_FALSE(credentials_from_file(d / "store.json", "other.example", "a"));

  SECTION("search order: --creds, --authfile, REGISTRY_AUTH_FILE, podman, docker") {
    Env home("HOME", d.string());
    Env xdg("XDG_RUNTIME_DIR", (d / "run").string());
    Env no_docker_config("DOCKER_CONFIG", "");
    ::unsetenv("DOCKER_CONFIG");
    ::unsetenv("REGISTRY_AUTH_FILE");
    RegistryOptions o;
    CHECK_FALSE(find_credentials("r.example", "x", o));
    std::filesystem::create_directories(d / ".docker");
    test::spit(d / ".docker/config.json", auth_json("r.example", "docker-user", "a"));
    CHECK(find_credentials("r.example", "x", o)->username == "docker-user");
    std::filesystem::create_directories(d / ".config/containers");
    test::spit(d / ".config/containers/auth.json", auth_json("r.example", "podman-user", "b"));
    CHECK(find_credentials("r.example", "x", o)->username == "podman-user");
    std::filesystem::create_directories(d / "run/containers");
    test::spit(d / "run/containers/auth.json", auth_json("r.example", "runtime-user", "c"));
    CHECK(find_credentials("r.example", "x", o)->username == "runtime-user");
    test::spit(d / "env.json", auth_json("r.example", "env-user", "d"));
    {
      Env file("REGISTRY_AUTH_FILE", (d / "env.json").string());
      CHECK(find_credentials("r.example", "x", o)->username == "env-user");
      o.authfile = d / "podman2.json";
      CHECK_FALSE(find_credentials("r.example", "x", o));  // --authfile alone
      o.creds = "cli-user:pw:with:colons";
      auto cli = find_credentials("r.example", "x", o);
      CHECK(cli->username == "cli-user");
      CHECK(cli->password == "pw:with:colons");
    }
  }
  SECTION("a malformed file is named, its content is not") {
    test::spit(d / "bad.json", R"({"auths":{"r.example":{"auth":"bm9jb2xvbg=="}}})");  // "nocolon"
    REQUIRE_THROWS_WITH(credentials_from_file(d / "bad.json", "r.example", "x"),
                        Catch::Contains("bad.json") && !Catch::Contains("nocolon"));
  }
}

TEST_CASE("htpasswd Basic auth") {
  imgstrip::TempDir dir("imgstrip-htpasswd");
  test::Registry reg(test::Registry::Config{htpasswd_yaml(dir.path()), {}, {}});
  auto img = test::make_image("basic");
  std::string ref = reg.host() + "/secret/app:1";
  RegistryOptions o = insecure();
  Env no_auth_file("REGISTRY_AUTH_FILE", (dir.path() / "none.json").string());
  Env home("HOME", dir.path().string());

  SECTION("anonymous is refused with advice") {
    REQUIRE_THROWS_WITH(test::push_image(img, ref, o),
                        Catch::Contains(reg.host() + "/secret/app") &&
                            Catch::Contains("authentication required") &&
                            Catch::Contains("--creds"));
  }
  SECTION("wrong password: the message never shows it") {
    o.creds = "alice:wrong-pw";
    REQUIRE_THROWS_WITH(
        test::push_image(img, ref, o),
        Catch::Contains("refused the credentials from --creds") && !Catch::Contains("wrong-pw"));
  }
  SECTION("--creds") {
    o.creds = "alice:s3cret-pw";
    test::push_image(img, ref, o);
    auto src = open_registry_source(Reference::parse(ref), o);
    CHECK(load_image(*src, Platform::parse("linux/amd64")).config_bytes == img.config);
  }
  SECTION("an auth file") {
    test::spit(dir.path() / "auth.json", auth_json(reg.host(), "alice", "s3cret-pw"));
    o.authfile = dir.path() / "auth.json";
    test::push_image(img, ref, o);
    CHECK(open_registry_source(Reference::parse(ref), o)->root().digest == img.raw.digest);
  }
}

TEST_CASE("token auth with a real JWT issuer") {
  test::TokenServer tokens("bob", "t0ken-pw");
  test::Registry reg(test::Registry::Config{tokens.auth_yaml(), {}, {}});
  imgstrip::TempDir dir("imgstrip-token");
  Env no_auth_file("REGISTRY_AUTH_FILE", (dir.path() / "none.json").string());
  Env home("HOME", dir.path().string());
  auto img = test::make_image("token", "amd64", 100 << 10);
  std::string ref = reg.host() + "/tok/app:1";
  RegistryOptions o = insecure();

  SECTION("push and pull with credentials; one token per scope") {
    o.creds = "bob:t0ken-pw";
    test::push_image(img, ref, o);
    CHECK(tokens.tokens_issued() == 1);
    CHECK_THAT(tokens.last_scope(), Catch::Contains("repository:tok/app:pull,push"));
    auto src = open_registry_source(Reference::parse(ref), o);
    Image l = load_image(*src, Platform::parse("linux/amd64"));
    src->prefetch(l.manifest.layers);
    auto in = open_blob(*src, l.manifest.layers[1]);
    CHECK(read_all(*in, 1 << 20, "layer") == img.layers[1]);
    CHECK(tokens.tokens_issued() == 2);  // the source's pull token, reused by every request
    CHECK_THAT(tokens.last_scope(), Catch::Contains("repository:tok/app:pull"));
  }
  SECTION("mounting asks for pull on the other repository too") {
    o.creds = "bob:t0ken-pw";
    test::push_image(img, ref, o);
    o.mount_from = "tok/app";
    test::push_image(img, reg.host() + "/tok/copy:1", o);
    CHECK_THAT(tokens.last_scope(), Catch::Contains("repository:tok/app:pull ") &&
                                        Catch::Contains("repository:tok/copy:pull,push"));
  }
  SECTION("bad credentials are refused by the token server") {
    o.creds = "bob:nope";
    REQUIRE_THROWS_WITH(test::push_image(img, ref, o), Catch::Contains("token server") &&
                                                           Catch::Contains("--creds") &&
                                                           !Catch::Contains("nope"));
    CHECK(tokens.refusals() >= 1);
  }
}
