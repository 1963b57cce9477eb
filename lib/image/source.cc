#include "image/source.h"

#include <fmt/format.h>

#include "oci/digest.h"

namespace imgstrip {

std::unique_ptr<ReadStream> open_blob(ImageSource& source, const Descriptor& d) {
  return std::make_unique<VerifyingReader>(
      source.blob(d), d.digest, d.size,
      fmt::format("blob {} of {}", d.digest.str(), source.name()));
}

std::string read_blob(ImageSource& source, const Descriptor& d, size_t limit) {
  auto in = open_blob(source, d);
  return read_all(*in, limit, fmt::format("blob {} of {}", d.digest.str(), source.name()));
}

}  // namespace imgstrip
