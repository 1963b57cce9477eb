// Registry authentication: the WWW-Authenticate challenge from GET /v2/ (or a 401) says
// Basic or Bearer; a Bearer token is fetched from the challenge's realm for the scopes a
// client needs ("repository:foo:pull,push"), cached per scope set, and fetched again when
// a request comes back 401 (expired token, or a scope it lacks).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/credentials.h"
#include "registry/http.h"

namespace imgstrip {

struct Challenge {
  std::string scheme;                         // lower case: "basic", "bearer"
  std::map<std::string, std::string> params;  // realm, service, scope, error
};

// Parses a WWW-Authenticate value (one or several challenges, quoted or token params).
std::vector<Challenge> parse_challenges(std::string_view header);

class Authenticator {
 public:
  struct TokenResponse {
    long status = 0;
    std::string body;
  };
  // Sends an unauthenticated-by-registry request (the token request) and reads its body.
  using Fetch = std::function<TokenResponse(const HttpRequest&)>;

  Authenticator(std::string where, std::optional<Credentials> credentials,
                std::vector<std::string> scopes, Fetch fetch);

  // The registry's challenge (from the ping); an empty value means no auth is needed.
  void set_challenge(std::string_view www_authenticate);
  // The "Authorization: ..." header line for the next request, or "" (anonymous).
  std::string header();
  // A request sent with `used` (a header() value) got 401 with this challenge. Returns
  // true when a retry can succeed (a fresh token is ready, or another thread got one).
  bool refresh(std::string_view www_authenticate, const std::string& used);
  // How many tokens were fetched from the realm (tests check the cache).
  int tokens_fetched() const { return fetched_; }

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  std::string scope_key() const;
  std::string fetch_token();  // under mutex_

  std::string where_;
  std::optional<Credentials> credentials_;
  std::vector<std::string> scopes_;
  Fetch fetch_;
  std::mutex mutex_;
  std::optional<Challenge> challenge_;
  std::map<std::string, Token> tokens_;  // by scope set
  std::atomic<int> fetched_ = 0;
};

}  // namespace imgstrip
