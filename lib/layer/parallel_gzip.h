// gzip in parallel blocks, pigz's method: the input is cut into fixed 128 KiB blocks, each
// deflated on its own (raw deflate, primed with the 32 KiB before it as the dictionary,
// ended on a byte boundary with a sync flush; the last with the final block), and the
// pieces are written in order between one gzip header (mtime 0, no name) and the trailer
// (the CRC-32 combined from the blocks', the length). A block's bytes depend only on the
// block, its dictionary and the level, so the output is the same whatever the number of
// threads: reproducible builds hold. It is one ordinary gzip stream (gzip -t, zlib read it).
#pragma once

#include <memory>

#include "layer/compressor.h"

namespace imgstrip {

// `threads` 0: the machine's hardware threads. `level` 0-9 (-1: 6).
std::unique_ptr<Compressor> make_parallel_gzip(int level, WriteStream& out, unsigned threads = 0);

}  // namespace imgstrip
