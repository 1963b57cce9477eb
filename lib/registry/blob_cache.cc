#include "registry/blob_cache.h"

#include <algorithm>

#include "registry/blob_reader.h"

namespace imgstrip {

BlobCache::BlobCache(Client& client) : client_(client) {}

BlobCache::~BlobCache() {
  cancel_ = true;
  {
    std::lock_guard lock(mutex_);
    queue_.clear();
  }
  changed_.notify_all();
  for (auto& t : workers_)
    t.join();
}

std::filesystem::path BlobCache::file_of(const Digest& d) const {
  return dir_->path() / (d.algorithm + "-" + d.hex);
}

void BlobCache::fetch(const std::vector<Descriptor>& blobs) {
  std::lock_guard lock(mutex_);
  if (!dir_) {
    const auto& parent = client_.options().cache_dir;
    dir_.emplace(parent.empty() ? TempDir("imgstrip-pull") : TempDir(parent, "imgstrip-pull"));
  }
  for (const auto& b : blobs) {
    if (entries_.count(b.digest.str()) > 0) continue;
    entries_[b.digest.str()] = Entry{b, false, nullptr};
    queue_.push_back(b);
  }
  std::stable_sort(queue_.begin(), queue_.end(),
                   [](const Descriptor& a, const Descriptor& b) { return a.size > b.size; });
  size_t want = std::min<size_t>(std::max(client_.options().jobs, 1), queue_.size());
  while (workers_.size() < want)
    workers_.emplace_back([this] { work(); });
  changed_.notify_all();
}

void BlobCache::work() {
  for (;;) {
    Descriptor blob;
    {
      std::unique_lock lock(mutex_);
      if (queue_.empty() || cancel_) return;
      blob = queue_.front();
      queue_.pop_front();
    }
    std::exception_ptr error;
    try {
      download(blob);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      auto& e = entries_[blob.digest.str()];
      e.done = true;
      e.error = error;
    }
    changed_.notify_all();
  }
}

void BlobCache::download(const Descriptor& blob) {
  auto file = file_of(blob.digest);
  auto part = file;
  part += ".part";
  {
    VerifyingReader in(std::make_unique<BlobReader>(client_, blob, &cancel_), blob.digest,
                       blob.size, fmt::format("blob {} of {}", blob.digest.str(), client_.where()));
    FileWriter out(part);
    try {
      copy_stream(in, out);
      out.close();
    } catch (...) {
      std::error_code ec;
      std::filesystem::remove(part, ec);
      throw;
    }
  }
  std::filesystem::rename(part, file);
}

std::unique_ptr<ReadStream> BlobCache::open(const Descriptor& blob) {
  std::unique_lock lock(mutex_);
  auto it = entries_.find(blob.digest.str());
  if (it == entries_.end()) return nullptr;
  changed_.wait(lock, [&] { return it->second.done; });
  if (it->second.error) std::rethrow_exception(it->second.error);
  return std::make_unique<FileReader>(file_of(blob.digest));
}

}  // namespace imgstrip
