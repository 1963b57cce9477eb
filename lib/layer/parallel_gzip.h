// gzip in parallel: the input is cut into fixed 1 MiB pieces, each compressed by libdeflate
// on its own into a complete gzip member (header with mtime 0, deflate, CRC-32 and
// length), and the members are written in order. A multi-member file is one gzip stream as
// RFC 1952 defines it: gzip, pigz, zlib's gzread, Go's compress/gzip (docker, containerd,
// containers/image), libarchive and Python read it whole, as they do eStargz layers and
// BGZF. A member's bytes depend only on its piece and the level, so the output is the same
// whatever the number of threads: reproducible builds hold.
//
// libdeflate rather than zlib (measured in scripts/bench.sh's notes): at level 6 it is about
// 2.7 times as fast on layer tars and its output is about 1 % smaller, the lost 32 KiB
// history at each 1 MiB boundary included.
#pragma once

#include <memory>

#include "layer/compressor.h"

namespace imgstrip {

// `threads` 0: the machine's hardware threads. `level` 0-9 (-1: 6).
std::unique_ptr<Compressor> make_parallel_gzip(int level, WriteStream& out, unsigned threads = 0);

}  // namespace imgstrip
