#include "layer/decompress.h"

#include <archive_entry.h>

#include "fs/archive_reader.h"

namespace imgstrip {
namespace {

// libarchive's raw format: no archive, just the bytes its filters decode.
class DecompressingReader : public ReadStream {
 public:
  explicit DecompressingReader(std::unique_ptr<ReadStream> in)
      : in_(std::move(in)), reader_(*in_, ArchiveReader::Format::Raw, "compressed stream") {}

  size_t read(void* buf, size_t n) override {
    if (done_ || n == 0) return 0;
    if (!started_) {
      started_ = true;
      if (reader_.next() == nullptr) {  // empty input
        done_ = true;
        return 0;
      }
    }
    size_t got = reader_.read(buf, n);
    if (got == 0) {
      done_ = true;
      reader_.next();  // reaches the end and drains the input
    }
    return got;
  }

 private:
  std::unique_ptr<ReadStream> in_;
  ArchiveReader reader_;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ReadStream> decompress(std::unique_ptr<ReadStream> in) {
  return std::make_unique<DecompressingReader>(std::move(in));
}

}  // namespace imgstrip
