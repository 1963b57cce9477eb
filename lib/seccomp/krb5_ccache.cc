#include "seccomp/krb5_ccache.h"

#include <string>

#include "core/text.h"

namespace imgstrip {

namespace {

constexpr std::string_view kType = "KEYRING";

// Each place `data` holds the type's name, until `f(before, after, next)` (the byte before
// it and the two after it, '\0' past an edge) returns true.
template <typename F>
bool any_type(std::string_view data, F f) {
  for (size_t p = data.find(kType); p != std::string_view::npos; p = data.find(kType, p + 1)) {
    size_t end = p + kType.size();
    char before = p > 0 ? data[p - 1] : '\0';
    char after = end < data.size() ? data[end] : '\0';
    char next = end + 1 < data.size() ? data[end + 1] : '\0';
    if (f(before, after, next)) return true;
  }
  return false;
}

// Names around a ccache type also take '-' (GNOME-KEYRING-...).
bool krb5_name_char(char c) {
  return identifier_char(c) || c == '-';
}

}  // namespace

std::optional<ConfigLine> krb5_keyring_on(std::string_view text) {
  // A ccache name: "KEYRING:..." (not GNUTLS_E_OPENPGP_KEYRING_ERROR nor GNOME-KEYRING-...).
  return first_line(text, "#;", [](std::string_view line) {
    return any_type(line, [](char before, char after, char) {
      return !krb5_name_char(before) && after == ':';
    });
  });
}

bool krb5_keyring_in_object(std::string_view bytes, bool gated) {
  // C strings: "KEYRING:..." or the type alone; in libkrb5 itself, which parses and builds
  // names with "KEYRING:" and "KEYRING", only a longer name (a compiled-in default).
  return any_type(bytes, [&](char before, char after, char next) {
    if (before != '\0') return false;
    if (gated) return after == ':' && next != '\0';
    return after == ':' || after == '\0';
  });
}

}  // namespace imgstrip
