// A blob streamed from the registry. When the connection breaks, it reconnects and asks
// for the rest with an HTTP Range request (or skips what it has when the registry sends
// the whole blob again), up to options.retries times. Unverified: callers wrap it in a
// VerifyingReader.
#pragma once

#include <atomic>
#include <memory>

#include "oci/manifest.h"
#include "registry/client.h"

namespace imgstrip {

class BlobReader : public ReadStream {
 public:
  BlobReader(Client& client, Descriptor blob, const std::atomic<bool>* cancel = nullptr);
  size_t read(void* buf, size_t n) override;
  int resumes() const { return resumes_; }

 private:
  void open();

  Client& client_;
  Descriptor blob_;
  const std::atomic<bool>* cancel_;
  std::unique_ptr<HttpTransfer> transfer_;
  uint64_t offset_ = 0;
  uint64_t reported_ = 0;
  int resumes_ = 0;
  bool done_ = false;
};

}  // namespace imgstrip
