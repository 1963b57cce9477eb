#include "registry/blob_reader.h"

#include <fmt/format.h>

#include "core/error.h"

namespace imgstrip {

BlobReader::BlobReader(Client& client, Descriptor blob, const std::atomic<bool>* cancel)
    : client_(client), blob_(std::move(blob)), cancel_(cancel) {}

void BlobReader::open() {
  HttpRequest req;
  req.url = client_.repo_url("blobs/" + blob_.digest.str());
  if (offset_ > 0) req.headers.push_back(fmt::format("Range: bytes={}-", offset_));
  transfer_ = client_.send(req, cancel_);
  long s = transfer_->status();
  if (s == 206 && offset_ > 0) {
    auto range = transfer_->header("content-range");  // "bytes 100-199/200"
    std::string want = fmt::format("bytes {}-", offset_);
    if (!range || !range->starts_with(want)) {
      fail("{}: blob {}: the registry answered a range request with the wrong range",
           client_.where(), blob_.digest.str());
    }
    return;
  }
  if (s != 200) {
    std::string body = transfer_->read_body(64 << 10);
    client_.fail_response(s, body, "blob " + blob_.digest.str());
  }
  // The whole blob again (no Range support): skip what was already delivered.
  uint64_t skip = offset_;
  char buf[65536];
  while (skip > 0) {
    size_t got = transfer_->read(buf, std::min<uint64_t>(skip, sizeof buf));
    if (got == 0) {
      fail("{}: blob {} is shorter than before when fetched again", client_.where(),
           blob_.digest.str());
    }
    skip -= got;
  }
}

size_t BlobReader::read(void* buf, size_t n) {
  if (done_ || n == 0) return 0;
  for (;;) {
    try {
      if (!transfer_) open();
      size_t got = transfer_->read(buf, n);
      offset_ += got;
      if (got == 0 || offset_ - reported_ >= (1 << 20)) {
        reported_ = offset_;
        client_.report(TransferProgress{blob_.digest, offset_, blob_.size, got == 0});
      }
      if (got == 0) {
        done_ = true;
        transfer_.reset();
      }
      return got;
    } catch (const TransportError& e) {
      transfer_.reset();
      if (!Client::retryable(e) || resumes_ >= client_.options().retries) {
        fail("{}: blob {}: {} (after {} retries)", client_.where(), blob_.digest.str(), e.what(),
             resumes_);
      }
      client_.wait_before_retry(resumes_++);
    }
  }
}

}  // namespace imgstrip
