// The registry as an ImageSource: manifests by tag or digest, blobs streamed or
// prefetched in parallel.
#include <fmt/format.h>

#include "core/error.h"
#include "oci/media_types.h"
#include "registry/blob_cache.h"
#include "registry/blob_reader.h"
#include "registry/client.h"
#include "registry/registry.h"

namespace imgstrip {
namespace {

const std::string kAccept =
    fmt::format("Accept: {}, {}, {}, {}", media::kOciIndex, media::kOciManifest,
                media::kDockerManifestList, media::kDockerManifest);

class RegistrySource : public ImageSource {
 public:
  RegistrySource(const Reference& ref, const RegistryOptions& options)
      : client_(ref, options, false), cache_(client_) {}

  std::string name() const override { return "docker://" + client_.ref().str(); }

  RawManifest root() override {
    const Reference& ref = client_.ref();
    if (ref.digest) return get(ref.digest->str(), "manifest " + ref.digest->str(), ref.digest);
    return get(ref.tag, fmt::format("tag '{}'", ref.tag), std::nullopt);
  }

  RawManifest manifest(const Digest& digest) override {
    return get(digest.str(), "manifest " + digest.str(), digest);
  }

  std::unique_ptr<ReadStream> blob(const Descriptor& d) override {
    if (auto cached = cache_.open(d)) return cached;
    return std::make_unique<BlobReader>(client_, d);
  }

  void prefetch(const std::vector<Descriptor>& blobs) override {
    if (client_.options().jobs < 2 || blobs.size() < 2) return;  // streaming is as fast
    cache_.fetch(blobs);
  }

 private:
  RawManifest get(const std::string& id, const std::string& subject,
                  const std::optional<Digest>& expected) {
    HttpRequest req;
    req.url = client_.repo_url("manifests/" + id);
    req.headers.push_back(kAccept);
    Response r = client_.fetch(req, kMaxManifestBytes);
    if (r.status != 200) client_.fail_response(r, subject);
    RawManifest m;
    m.bytes = std::move(r.body);
    m.digest = sha256_of(m.bytes);
    std::string type = r.header("content-type").value_or("");
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ')
      type.pop_back();
    if (type.empty() || type == "application/json" || type == "text/plain") {
      type = sniff_manifest_type(m.bytes);
    }
    if (type == media::kDockerSchema1 || type == media::kDockerSchema1Signed) {
      fail(
          "{}: {} is a Docker schema 1 manifest, which imgstrip does not read: push the image "
          "again with a current tool",
          client_.where(), subject);
    }
    m.media_type = type;
    if (expected && m.digest != *expected) {
      fail("{}: {} hashes to {}: the registry sent the wrong content", client_.where(), subject,
           m.digest.str());
    }
    if (auto header = r.header("docker-content-digest");
        header && Digest::valid(*header) && header->starts_with("sha256:")) {
      if (Digest::parse(*header) != m.digest) {
        fail(
            "{}: {} hashes to {} but the registry says it is {}: the registry sent the wrong "
            "content",
            client_.where(), subject, m.digest.str(), *header);
      }
    }
    return m;
  }

  Client client_;
  BlobCache cache_;
};

}  // namespace

std::unique_ptr<ImageSource> open_registry_source(const Reference& ref,
                                                  const RegistryOptions& options) {
  return std::make_unique<RegistrySource>(ref, options);
}

}  // namespace imgstrip
