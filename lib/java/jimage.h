// A JDK's run-time image, lib/modules (the "jimage" format jlink writes): a header, an
// index of resources (each named /module/parent/base.extension, with its place in the
// file) and the resources' bytes. Only what the seccomp analysis needs is read: the names
// of every resource and the bytes of each module's module-info.class, in one pass over a
// stream. Every offset, size and string is checked against the index and the file; a
// malformed image is an Error naming the problem. Resources compressed by jlink
// (--compress) are listed but their bytes are not read (JImageModules::compressed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/stream.h"

namespace imgstrip {

struct JImageResource {
  std::string module, parent, base, extension;
  uint64_t offset = 0;        // from the end of the index
  uint64_t compressed = 0;    // stored size when compressed, else 0
  uint64_t uncompressed = 0;  // the resource's size
};

struct JImageIndex {
  uint16_t major = 0, minor = 0;
  uint64_t index_size = 0;  // header, tables, locations and strings: resources follow
  std::vector<JImageResource> resources;
};

inline constexpr size_t kJImageHeaderSize = 28;

// The index size the header announces; throws Error when `head` (at least
// kJImageHeaderSize bytes) is not a jimage header of a version read here (1.x).
uint64_t jimage_index_size(std::string_view head);

// Parses a whole index (header included, jimage_index_size() bytes).
JImageIndex parse_jimage_index(std::string_view index);

struct JImageModules {
  JImageIndex index;
  std::map<std::string, std::string> module_info;  // module -> module-info.class bytes
  std::vector<std::string> compressed;             // modules whose module-info is compressed
};

// Reads an image from the start of `in`: the index, then each module's module-info.class,
// skipping the bytes in between. Throws Error for a malformed or truncated image.
JImageModules read_jimage_modules(ReadStream& in);

}  // namespace imgstrip
