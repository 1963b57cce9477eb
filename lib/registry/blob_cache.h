// Blobs fetched ahead of use: options.jobs threads download the blobs named by
// prefetch(), largest first, into a private folder, each verified against its digest and
// size before it counts as cached. open() waits for a blob and reads the cached copy.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/tempdir.h"
#include "oci/manifest.h"
#include "registry/client.h"

namespace imgstrip {

class BlobCache {
 public:
  explicit BlobCache(Client& client);
  // Stops the downloads and removes the folder.
  ~BlobCache();
  BlobCache(const BlobCache&) = delete;
  BlobCache& operator=(const BlobCache&) = delete;

  // Queues the blobs not queued yet (largest first) and starts the workers.
  void fetch(const std::vector<Descriptor>& blobs);
  // nullptr when the blob was never queued; else waits for its download and reads the
  // cached file. Throws the download's error when it failed.
  std::unique_ptr<ReadStream> open(const Descriptor& blob);

 private:
  struct Entry {
    Descriptor blob;
    bool done = false;
    std::exception_ptr error;
  };
  void work();
  void download(const Descriptor& blob);
  std::filesystem::path file_of(const Digest& d) const;

  Client& client_;
  std::optional<TempDir> dir_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;  // by digest
  std::deque<Descriptor> queue_;
  std::vector<std::thread> workers_;
  std::atomic<bool> cancel_ = false;
};

}  // namespace imgstrip
