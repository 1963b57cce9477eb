#include "registry/auth.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/text.h"

namespace imgstrip {
namespace {

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~/=").find(c) != std::string_view::npos;
}

// "https://auth.example/token?x" -> "auth.example", for messages.
std::string host_of(std::string_view url) {
  auto start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?", start);
  return std::string(url.substr(start, end == std::string_view::npos ? url.npos : end - start));
}

}  // namespace

std::vector<Challenge> parse_challenges(std::string_view h) {
  std::vector<Challenge> out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < h.size() && (h[i] == ' ' || h[i] == '\t' || h[i] == ','))
      ++i;
  };
  while (true) {
    skip_space();
    if (i >= h.size()) break;
    size_t start = i;
    while (i < h.size() && token_char(h[i]) && h[i] != '=')
      ++i;
    if (i == start) {  // unexpected character: skip it
      ++i;
      continue;
    }
    std::string word(h.substr(start, i - start));
    size_t after = i;
    while (after < h.size() && h[after] == ' ')
      ++after;
    if (after < h.size() && h[after] == '=' && !out.empty()) {
      // A parameter of the current challenge.
      i = after + 1;
      while (i < h.size() && h[i] == ' ')
        ++i;
      std::string value;
      if (i < h.size() && h[i] == '"') {
        ++i;
        while (i < h.size() && h[i] != '"') {
          if (h[i] == '\\' && i + 1 < h.size()) ++i;
          value += h[i++];
        }
        ++i;
      } else {
        while (i < h.size() && h[i] != ',' && h[i] != ' ')
          value += h[i++];
      }
      out.back().params[ascii_lower(word)] = value;
    } else {
      out.push_back(Challenge{ascii_lower(word), {}});
    }
  }
  return out;
}

Authenticator::Authenticator(std::string where, std::optional<Credentials> credentials,
                             std::vector<std::string> scopes, Fetch fetch)
    : where_(std::move(where)),
      credentials_(std::move(credentials)),
      scopes_(std::move(scopes)),
      fetch_(std::move(fetch)) {}

void Authenticator::set_challenge(std::string_view www_authenticate) {
  std::lock_guard lock(mutex_);
  challenge_.reset();
  for (auto& c : parse_challenges(www_authenticate)) {
    if (c.scheme == "bearer" || (c.scheme == "basic" && !challenge_)) challenge_ = c;
  }
}

std::string Authenticator::scope_key() const {
  std::string key;
  for (const auto& s : scopes_)
    key += s + " ";
  return key;
}

std::string Authenticator::header() {
  std::lock_guard lock(mutex_);
  if (!challenge_) return "";
  if (challenge_->scheme == "basic") {
    if (!credentials_) return "";
    return "Authorization: Basic " +
           base64_encode(credentials_->username + ":" + credentials_->password);
  }
  auto it = tokens_.find(scope_key());
  if (it != tokens_.end() && it->second.expires > std::chrono::steady_clock::now()) {
    return "Authorization: Bearer " + it->second.value;
  }
  return "Authorization: Bearer " + fetch_token();
}

bool Authenticator::refresh(std::string_view www_authenticate, const std::string& used) {
  std::lock_guard lock(mutex_);
  std::optional<Challenge> fresh;
  for (auto& c : parse_challenges(www_authenticate)) {
    if (c.scheme == "bearer" || (c.scheme == "basic" && !fresh)) fresh = c;
  }
  if (!fresh) return false;
  bool was_anonymous = !challenge_;
  challenge_ = fresh;
  if (fresh->scheme == "basic") {
    // Retry only if we have credentials and did not send them already.
    return credentials_.has_value() && (was_anonymous || used.empty());
  }
  bool wider = false;
  if (auto s = fresh->params.find("scope"); s != fresh->params.end()) {
    size_t start = 0;
    std::string_view all = s->second;
    while (start <= all.size()) {
      size_t sp = all.find(' ', start);
      std::string one(all.substr(start, sp == all.npos ? all.npos : sp - start));
      if (!one.empty() && std::find(scopes_.begin(), scopes_.end(), one) == scopes_.end()) {
        scopes_.push_back(one);
        wider = true;
      }
      if (sp == all.npos) break;
      start = sp + 1;
    }
  }
  auto it = tokens_.find(scope_key());
  if (!wider && it != tokens_.end() && "Authorization: Bearer " + it->second.value != used) {
    return true;  // another thread already has a newer token
  }
  tokens_.erase(scope_key());
  fetch_token();
  return true;
}

std::string Authenticator::fetch_token() {
  const Challenge& c = *challenge_;
  auto realm = c.params.find("realm");
  if (realm == c.params.end() || realm->second.empty()) {
    fail("{}: the registry asks for a Bearer token but names no realm to get it from", where_);
  }
  std::string url = realm->second;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (auto s = c.params.find("service"); s != c.params.end()) {
    url += sep + std::string("service=") + url_escape(s->second);
    sep = '&';
  }
  for (const auto& scope : scopes_) {
    url += sep + std::string("scope=") + url_escape(scope);
    sep = '&';
  }
  HttpRequest req;
  req.url = url;
  if (credentials_) {
    req.headers.push_back("Authorization: Basic " +
                          base64_encode(credentials_->username + ":" + credentials_->password));
  }
  TokenResponse r = fetch_(req);
  std::string server = host_of(realm->second);
  if (r.status == 401 || r.status == 403) {
    if (credentials_) {
      fail(
          "{}: the token server {} refused the credentials from {} (HTTP {}): check the user "
          "name and password",
          where_, server, credentials_->source, r.status);
    }
    fail(
        "{}: the token server {} requires credentials (HTTP {}): log in with --creds USER:PASS "
        "or an auth file",
        where_, server, r.status);
  }
  if (r.status != 200) {
    fail("{}: the token server {} failed (HTTP {}): try again later", where_, server, r.status);
  }
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::string token;
  if (!j.is_discarded() && j.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      if (j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty()) {
        token = j[key].get<std::string>();
        break;
      }
    }
  }
  if (token.empty()) fail("{}: the token server {} gave no token", where_, server);
  int64_t seconds = 60;
  if (j.contains("expires_in") && j["expires_in"].is_number_integer()) {
    seconds = std::max<int64_t>(j["expires_in"].get<int64_t>(), 10);
  }
  ++fetched_;
  tokens_[scope_key()] =
      Token{token, std::chrono::steady_clock::now() + std::chrono::seconds(seconds - 5)};
  return token;
}

}  // namespace imgstrip
