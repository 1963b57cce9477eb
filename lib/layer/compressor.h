// Streaming compressors for layer blobs: gzip (parallel members on libdeflate, headers with
// mtime 0 and no name; parallel_gzip.h) and zstd, so the same input always gives the same
// bytes.
#pragma once

#include <memory>

#include "core/stream.h"
#include "oci/media_types.h"

namespace imgstrip {

class Compressor : public WriteStream {
 public:
  using WriteStream::write;
  // Flushes the end of the compressed stream to the output.
  virtual void finish() = 0;
};

// `level` -1 means the default (gzip 6, zstd 3). Compression::None passes bytes through.
std::unique_ptr<Compressor> make_compressor(media::Compression c, int level, WriteStream& out);

}  // namespace imgstrip
