#include "sbom/jar_poms.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

namespace imgstrip {

std::vector<NamedVersion> jar_poms(std::string_view jar_bytes) {
  std::vector<NamedVersion> out;
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(),
                                                              archive_read_free);
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), jar_bytes.data(), jar_bytes.size()) != ARCHIVE_OK) {
    return out;
  }
  struct archive_entry* e = nullptr;
  for (size_t n = 0; n < kJarEntriesLimit; ++n) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF || rc < ARCHIVE_WARN) break;
    const char* p = archive_entry_pathname(e);
    std::string_view path = p != nullptr ? p : "";
    if (!path.starts_with("META-INF/maven/") || !path.ends_with("/pom.properties")) continue;
    std::string text;
    char buf[8192];
    while (text.size() < (64u << 10)) {
      la_ssize_t got = archive_read_data(a.get(), buf, sizeof buf);
      if (got <= 0) break;
      text.append(buf, static_cast<size_t>(got));
    }
    if (auto nv = parse_pom_properties(text)) out.push_back(std::move(*nv));
  }
  return out;
}

}  // namespace imgstrip
