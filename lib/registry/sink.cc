// The registry as an ImageSink: blobs checked with HEAD, mounted from another repository
// when options.mount_from names one, uploaded in one PUT or in PATCH chunks; the manifest
// is PUT last, in commit(), after every blob it names is confirmed present.
#include <fmt/format.h>

#include <set>

#include "core/error.h"
#include "oci/media_types.h"
#include "registry/client.h"
#include "registry/registry.h"

namespace imgstrip {
namespace {

// At most `size` bytes of a stream shared with later slices.
class SliceReader : public ReadStream {
 public:
  SliceReader(ReadStream& inner, uint64_t size) : inner_(inner), left_(size) {}
  size_t read(void* buf, size_t n) override {
    if (left_ == 0) return 0;
    size_t got = inner_.read(buf, std::min<uint64_t>(n, left_));
    if (got == 0) fail("blob data ended {} bytes before its declared size", left_);
    left_ -= got;
    return got;
  }

 private:
  ReadStream& inner_;
  uint64_t left_;
};

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

// "0-1023" -> 1024 bytes received; nullopt when missing or malformed.
std::optional<uint64_t> received(const std::optional<std::string>& range) {
  if (!range) return std::nullopt;
  auto dash = range->find('-');
  if (dash == std::string::npos) return std::nullopt;
  std::string end = range->substr(dash + 1);
  if (end.empty() || end.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoull(end) + 1;
}

class RegistrySink : public ImageSink {
 public:
  RegistrySink(const Reference& ref, const RegistryOptions& options)
      : client_(ref, options, true) {}

  std::string name() const override { return "docker://" + client_.ref().str(); }

  // Registries store OCI and Docker schema 2 manifests alike: copies keep their digest.
  bool accepts_manifest(std::string_view media_type) const override {
    return media::is_manifest(media_type);
  }

  bool has_blob(const Descriptor& d) override {
    if (confirmed_.count(d.digest) > 0) return true;
    HttpRequest req;
    req.method = "HEAD";
    req.url = client_.repo_url("blobs/" + d.digest.str());
    Response r = client_.fetch(req, 0);
    if (r.status == 200) {
      confirmed_.insert(d.digest);
      return true;
    }
    if (r.status == 404) return false;
    client_.fail_response(r, "blob " + d.digest.str());
  }

  void put_blob(const Descriptor& d, const StreamOpener& open) override {
    if (d.size < 0) fail("{}: blob {} has no size", client_.where(), d.digest.str());
    std::string subject = "blob " + d.digest.str();
    HttpRequest start;
    start.method = "POST";
    const std::string& from = client_.options().mount_from;
    bool mount = !from.empty() && from != client_.ref().repository;
    start.url = client_.repo_url("blobs/uploads/");
    if (mount) {
      start.url += "?mount=" + url_escape(d.digest.str()) + "&from=" + url_escape(from);
    }
    Response r = client_.fetch(start, 64 << 10);
    if (mount && r.status == 201) {
      confirmed_.insert(d.digest);
      client_.report(TransferProgress{d.digest, static_cast<uint64_t>(d.size), d.size, true});
      return;
    }
    if (r.status != 202) client_.fail_response(r, subject);
    auto location = r.header("location");
    if (!location) fail("{}: the registry started an upload without a Location", client_.where());
    std::string url = client_.resolve(*location);
    uint64_t size = static_cast<uint64_t>(d.size);
    if (size > client_.options().chunk_threshold) {
      uint64_t chunk = client_.options().chunk_size;
      if (auto min = r.header("oci-chunk-min-length");
          min && !min->empty() && min->find_first_not_of("0123456789") == std::string::npos) {
        chunk = std::max<uint64_t>(chunk, std::stoull(*min));
      }
      url = upload_chunks(url, d, open, std::max<uint64_t>(chunk, 1));
      finish_upload(url, d, {}, 0);
    } else {
      finish_upload(url, d, open, size);
    }
    confirmed_.insert(d.digest);
  }

  void put_manifest(const RawManifest& manifest) override { manifest_ = manifest; }

  Digest commit() override {
    if (!manifest_) fail("{}: nothing to commit: no manifest was put", client_.where());
    const RawManifest& m = *manifest_;
    std::string where = fmt::format("manifest {} for {}", m.digest.str(), name());
    if (media::is_index(m.media_type)) {
      Index index = Index::parse(m.bytes, m.media_type, where);
      for (const auto& child : index.manifests)
        confirm_manifest(child);
    } else {
      Manifest manifest = Manifest::parse(m.bytes, m.media_type, where);
      confirm_blob(manifest.config);
      for (const auto& layer : manifest.layers)
        confirm_blob(layer);
    }
    const Reference& ref = client_.ref();
    if (ref.digest && *ref.digest != m.digest) {
      fail("{}: the manifest hashes to {}, not to the digest {} of the destination reference",
           client_.where(), m.digest.str(), ref.digest->str());
    }
    client_.put_manifest(m, ref.tag.empty() ? m.digest.str() : ref.tag);
    return m.digest;
  }

 private:
  void confirm_blob(const Descriptor& d) {
    if (!has_blob(d)) {
      fail(
          "{}: blob {} is not in the repository, so the manifest was not pushed: put every "
          "blob before committing",
          client_.where(), d.digest.str());
    }
  }

  void confirm_manifest(const Descriptor& d) {
    HttpRequest req;
    req.method = "HEAD";
    req.url = client_.repo_url("manifests/" + d.digest.str());
    req.headers.push_back(fmt::format("Accept: {}, {}, {}, {}", media::kOciIndex,
                                      media::kOciManifest, media::kDockerManifestList,
                                      media::kDockerManifest));
    Response r = client_.fetch(req, 0);
    if (r.status == 200) return;
    if (r.status == 404) {
      fail(
          "{}: the index refers to manifest {}, which is not in the repository: push it "
          "first",
          client_.where(), d.digest.str());
    }
    client_.fail_response(r, "manifest " + d.digest.str());
  }

  // PUT <url>?digest=: the whole blob (`open`), or nothing after the chunks.
  void finish_upload(const std::string& url, const Descriptor& d, const StreamOpener& open,
                     uint64_t size) {
    HttpRequest req;
    req.method = "PUT";
    req.url = with_query(url, "digest=" + url_escape(d.digest.str()));
    req.headers.push_back("Content-Type: application/octet-stream");
    if (open) {
      Client* client = &client_;
      req.body = [open, client, d]() -> std::unique_ptr<ReadStream> {
        return std::make_unique<ProgressReader>(open(), *client, d.digest, d.size);
      };
    }
    req.body_size = size;
    Response r = client_.fetch(req, 64 << 10);
    if (r.status != 201) client_.fail_response(r, "blob " + d.digest.str());
  }

  // PATCHes the blob in chunks; returns the upload URL for the closing PUT. A failed chunk
  // is resumed from where the registry says the upload stands.
  std::string upload_chunks(std::string url, const Descriptor& d, const StreamOpener& open,
                            uint64_t chunk) {
    uint64_t size = static_cast<uint64_t>(d.size);
    uint64_t offset = 0;
    int failures = 0;
    auto stream = std::make_unique<ProgressReader>(open(), client_, d.digest, d.size);
    while (offset < size) {
      uint64_t n = std::min(chunk, size - offset);
      HttpRequest req;
      req.method = "PATCH";
      req.url = url;
      req.retry = false;
      req.headers.push_back("Content-Type: application/octet-stream");
      req.headers.push_back(fmt::format("Content-Range: {}-{}", offset, offset + n - 1));
      ReadStream* source = stream.get();
      req.body = [source, n]() -> std::unique_ptr<ReadStream> {
        return std::make_unique<SliceReader>(*source, n);
      };
      req.body_size = n;
      std::string problem;
      try {
        Response r = client_.fetch(req, 64 << 10);
        if (r.status == 202) {
          if (auto loc = r.header("location")) url = client_.resolve(*loc);
          offset += n;
          continue;
        }
        if (r.status < 500 && r.status != 408 && r.status != 429 && r.status != 416) {
          client_.fail_response(r, "blob " + d.digest.str());
        }
        problem = fmt::format("HTTP {}", r.status);
      } catch (const Error& e) {
        if (dynamic_cast<const UsageError*>(&e) != nullptr) throw;
        problem = e.what();
      }
      if (++failures > client_.options().retries) {
        fail("{}: upload of blob {} failed at byte {}: {}", client_.where(), d.digest.str(), offset,
             problem);
      }
      client_.wait_before_retry(failures - 1);
      // Where does the upload stand? Restart the stream there.
      HttpRequest status;
      status.url = url;
      Response st = client_.fetch(status, 64 << 10);
      if (st.status != 204) client_.fail_response(st, "upload of blob " + d.digest.str());
      if (auto loc = st.header("location")) url = client_.resolve(*loc);
      offset = received(st.header("range")).value_or(0);
      stream = std::make_unique<ProgressReader>(open(), client_, d.digest, d.size, offset);
      SliceReader skip(*stream, offset);
      drain(skip);
    }
    // The end of the source stream: a verifying stream checks the digest here.
    char extra;
    if (stream->read(&extra, 1) != 0) {
      fail("{}: blob {} has more data than its size {}", client_.where(), d.digest.str(), size);
    }
    return url;
  }

  Client client_;
  std::optional<RawManifest> manifest_;
  std::set<Digest> confirmed_;
};

}  // namespace

std::unique_ptr<ImageSink> open_registry_sink(const Reference& ref,
                                              const RegistryOptions& options) {
  return std::make_unique<RegistrySink>(ref, options);
}

}  // namespace imgstrip
