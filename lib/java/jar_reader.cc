#include "java/jar_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace imgstrip {

struct JarReader::Source {
  std::unique_ptr<ReadStream> in;
  std::vector<char> buf = std::vector<char>(size_t{1} << 16);
};

namespace {

la_ssize_t read_cb(struct archive* a, void* data, const void** out) {
  auto* s = static_cast<JarReader::Source*>(data);
  try {
    size_t n = s->in->read(s->buf.data(), s->buf.size());
    *out = s->buf.data();
    return static_cast<la_ssize_t>(n);
  } catch (const std::exception& e) {
    archive_set_error(a, EIO, "%s", e.what());
    return -1;
  }
}

std::string error_of(struct archive* a) {
  const char* err = archive_error_string(a);
  return err != nullptr ? err : "unknown error";
}

struct archive* zip_reader() {
  struct archive* a = archive_read_new();
  if (a == nullptr) fail("not a readable jar (out of memory)");
  archive_read_support_format_zip(a);
  return a;
}

}  // namespace

void JarReader::Free::operator()(struct archive* a) const {
  archive_read_free(a);
}

void JarReader::opened(int rc) {
  if (rc != ARCHIVE_OK) fail("not a readable jar ({})", error_of(a_.get()));
}

JarReader::JarReader(const FileTree& tree, const Entry& jar) : a_(zip_reader()) {
  if (jar.size <= kWholeJarLimit) {
    whole_ = tree.read(jar, kWholeJarLimit);
    opened(archive_read_open_memory(a_.get(), whole_.data(), whole_.size()));
  } else {
    src_ = std::make_unique<Source>();
    src_->in = tree.open(jar);
    opened(archive_read_open(a_.get(), src_.get(), nullptr, read_cb, nullptr));
  }
}

JarReader::JarReader(std::string whole) : whole_(std::move(whole)), a_(zip_reader()) {
  opened(archive_read_open_memory(a_.get(), whole_.data(), whole_.size()));
}

JarReader::~JarReader() = default;

std::optional<std::string> JarReader::next() {
  struct archive_entry* e = nullptr;
  int rc = archive_read_next_header(a_.get(), &e);
  if (rc == ARCHIVE_EOF) return std::nullopt;
  if (rc < ARCHIVE_WARN) fail("damaged jar ({})", error_of(a_.get()));
  const char* path = archive_entry_pathname(e);
  std::string_view p = path != nullptr ? path : "";
  while (p.starts_with("./") || p.starts_with('/'))
    p.remove_prefix(p.starts_with('/') ? 1 : 2);
  return std::string(p);
}

std::string JarReader::read(size_t limit, bool* truncated) {
  std::string out;
  char buf[16384];
  if (truncated) *truncated = false;
  for (;;) {
    la_ssize_t got = archive_read_data(a_.get(), buf, sizeof buf);
    if (got < 0) fail("cannot be inflated ({})", error_of(a_.get()));
    if (got == 0) break;
    size_t room = limit - out.size();
    if (static_cast<size_t>(got) > room) {
      out.append(buf, room);
      if (truncated) *truncated = true;
      break;
    }
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

}  // namespace imgstrip
