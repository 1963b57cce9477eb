// The attachment store of a registry repository, over the OCI distribution API: manifests
// by tag or digest (GET, 404 is "no such tag"), small blobs in one POST + PUT, manifests
// PUT under a tag or their digest, and GET /v2/<name>/referrers/<digest> (a 404 means
// the registry has no referrers API, as the distribution spec says).
#include <fmt/format.h>

#include "attach/registry_store.h"
#include "core/error.h"
#include "oci/media_types.h"
#include "registry/client.h"

namespace imgstrip {
namespace {

const std::string kAccept =
    fmt::format("Accept: {}, {}, {}, {}", media::kOciIndex, media::kOciManifest,
                media::kDockerManifestList, media::kDockerManifest);

std::string content_type(const Response& r) {
  std::string type = r.header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ')
    type.pop_back();
  return type;
}

class RegistryStore : public AttachmentStore {
 public:
  RegistryStore(const Reference& ref, const RegistryOptions& options)
      : client_(ref, options, true) {}

  std::string name() const override { return "docker://" + client_.ref().name(); }

  std::optional<RawManifest> tagged(const std::string& tag) override {
    return get(tag, fmt::format("tag '{}'", tag), std::nullopt, true);
  }

  RawManifest manifest(const Digest& digest) override {
    return *get(digest.str(), "manifest " + digest.str(), digest, false);
  }

  std::string blob(const Descriptor& d, size_t limit) override {
    if (d.size < 0 || static_cast<uint64_t>(d.size) > limit) {
      fail("{}: blob {} is {} bytes, more than the {} expected", client_.where(), d.digest.str(),
           d.size, limit);
    }
    HttpRequest req;
    req.url = client_.repo_url("blobs/" + d.digest.str());
    Response r = client_.fetch(req, limit);
    if (r.status != 200) client_.fail_response(r, "blob " + d.digest.str());
    if (sha256_of(r.body) != d.digest || r.body.size() != static_cast<size_t>(d.size)) {
      fail("{}: blob {} does not hash to its digest: the registry sent the wrong content",
           client_.where(), d.digest.str());
    }
    return std::move(r.body);
  }

  void put_blob(const Descriptor& d, const std::string& bytes) override {
    std::string subject = "blob " + d.digest.str();
    HttpRequest head;
    head.method = "HEAD";
    head.url = client_.repo_url("blobs/" + d.digest.str());
    if (client_.fetch(head, 0).status == 200) return;
    HttpRequest start;
    start.method = "POST";
    start.url = client_.repo_url("blobs/uploads/");
    Response r = client_.fetch(start, 64 << 10);
    if (r.status != 202) client_.fail_response(r, subject);
    auto location = r.header("location");
    if (!location) fail("{}: the registry started an upload without a Location", client_.where());
    std::string url = client_.resolve(*location);
    url += (url.find('?') == std::string::npos ? "?" : "&");
    url += "digest=" + url_escape(d.digest.str());
    HttpRequest put;
    put.method = "PUT";
    put.url = url;
    put.headers.push_back("Content-Type: application/octet-stream");
    put.body = [bytes]() -> std::unique_ptr<ReadStream> {
      return std::make_unique<StringReader>(bytes);
    };
    put.body_size = bytes.size();
    Response done = client_.fetch(put, 64 << 10);
    if (done.status != 201) client_.fail_response(done, subject);
  }

  void put_manifest(const RawManifest& m, const std::string& tag) override {
    client_.put_manifest(m, tag.empty() ? m.digest.str() : tag);
  }

  std::optional<RawManifest> referrers(const Digest& subject) override {
    HttpRequest req;
    req.url = fmt::format("{}/{}", client_.repo_url("referrers"), subject.str());
    req.headers.push_back(fmt::format("Accept: {}", media::kOciIndex));
    Response r = client_.fetch(req, kMaxManifestBytes);
    if (r.status == 404) return std::nullopt;
    if (r.status != 200) client_.fail_response(r, "referrers of " + subject.str());
    if (content_type(r) != media::kOciIndex) return std::nullopt;  // not the API's answer
    return RawManifest::of(std::string(media::kOciIndex), std::move(r.body));
  }

 private:
  std::optional<RawManifest> get(const std::string& id, const std::string& subject,
                                 const std::optional<Digest>& expected, bool missing_ok) {
    HttpRequest req;
    req.url = client_.repo_url("manifests/" + id);
    req.headers.push_back(kAccept);
    Response r = client_.fetch(req, kMaxManifestBytes);
    if (r.status == 404 && missing_ok) return std::nullopt;
    if (r.status != 200) client_.fail_response(r, subject);
    std::string type = content_type(r);
    if (type.empty() || type == "application/json" || type == "text/plain") {
      type = sniff_manifest_type(r.body);
    }
    RawManifest m = RawManifest::of(type, std::move(r.body));
    if (expected && m.digest != *expected) {
      fail("{}: {} hashes to {}: the registry sent the wrong content", client_.where(), subject,
           m.digest.str());
    }
    return m;
  }

  Client client_;
};

}  // namespace

std::unique_ptr<AttachmentStore> open_registry_store(const Reference& ref,
                                                     const RegistryOptions& options) {
  return std::make_unique<RegistryStore>(ref, options);
}

}  // namespace imgstrip
