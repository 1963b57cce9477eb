#include "sbom/subject.h"

#include <fmt/format.h>

#include <ctime>

#include "sbom/purl.h"

namespace imgstrip {
namespace {

bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string image_purl(const SbomSubject& subject) {
  std::string_view repo = subject.repository;
  size_t slash = repo.rfind('/');
  std::string_view name = slash == std::string_view::npos ? repo : repo.substr(slash + 1);
  std::string out =
      "pkg:oci/" + purl_escape(name) + "@" + subject.digest.algorithm + "%3A" + subject.digest.hex;
  if (!repo.empty()) out += "?repository_url=" + purl_escape(repo);
  return out;
}

std::string sbom_time(std::string_view created) {
  const std::string epoch = "1970-01-01T00:00:00Z";
  std::tm tm{};
  int y, mo, d, h, mi, s;
  if (!digits(created, 0, 4, y) || created.size() < 19 || created[4] != '-' ||
      !digits(created, 5, 2, mo) || created[7] != '-' || !digits(created, 8, 2, d) ||
      (created[10] != 'T' && created[10] != 't' && created[10] != ' ') ||
      !digits(created, 11, 2, h) || created[13] != ':' || !digits(created, 14, 2, mi) ||
      created[16] != ':' || !digits(created, 17, 2, s)) {
    return epoch;
  }
  size_t at = 19;
  if (at < created.size() && created[at] == '.') {
    ++at;
    while (at < created.size() && created[at] >= '0' && created[at] <= '9')
      ++at;
  }
  long offset = 0;
  if (at < created.size() && (created[at] == '+' || created[at] == '-')) {
    int oh, om;
    if (!digits(created, at + 1, 2, oh) || at + 3 >= created.size() || created[at + 3] != ':' ||
        !digits(created, at + 4, 2, om)) {
      return epoch;
    }
    offset = (oh * 3600L + om * 60L) * (created[at] == '+' ? 1 : -1);
  } else if (at >= created.size() || (created[at] != 'Z' && created[at] != 'z')) {
    return epoch;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return epoch;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  time_t t = timegm(&tm) - offset;
  std::tm utc{};
  if (gmtime_r(&t, &utc) == nullptr) return epoch;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

}  // namespace imgstrip
