// A stream of the uncompressed bytes of a gzip, zstd (or plain) stream, format detected
// from the content.
#pragma once

#include <memory>

#include "core/stream.h"

namespace imgstrip {

std::unique_ptr<ReadStream> decompress(std::unique_ptr<ReadStream> in);

}  // namespace imgstrip
