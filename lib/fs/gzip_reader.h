// gzip decompression with ISA-L's igzip inflate, about four times as fast as zlib on layer
// tars (scripts/bench.sh). Every member of a multi-member stream is read, each checked
// against its CRC-32 and length; bytes after the last member that do not start another are
// read and ignored, as libarchive and gzip(1) do. The input is always read to its end, so a
// verifying stream below checks its digest.
#pragma once

#include <memory>
#include <string>

#include "core/stream.h"

namespace imgstrip {

// `in` decompressed when it starts with the gzip magic (`name` names it in errors),
// otherwise `in` itself (its first bytes, read to look, are given back).
std::unique_ptr<ReadStream> gunzip_if_gzip(ReadStream& in, std::string name);

}  // namespace imgstrip
