// Tags are replaced in index.json atomically; a manifest stored by digest only is listed
// in index.json untagged (with its artifactType) so that tools that walk the layout's
// index (oras) find it too. An OCI layout has no referrers API: the fallback tag holds
// the referrers index.
#include <fmt/format.h>

#include <system_error>

#include "attach/layout_store.h"
#include "core/error.h"
#include "core/stream.h"
#include "oci/media_types.h"

namespace imgstrip {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRefName = "org.opencontainers.image.ref.name";

class LayoutStore : public AttachmentStore {
 public:
  explicit LayoutStore(fs::path dir) : dir_(std::move(dir)) {}

  std::string name() const override { return "oci:" + dir_.string(); }

  std::optional<RawManifest> tagged(const std::string& tag) override {
    Index index = read_index();
    for (auto& d : index.manifests) {
      auto it = d.annotations.find(std::string(kRefName));
      if (it != d.annotations.end() && it->second == tag) {
        RawManifest m = manifest(d.digest);
        m.media_type = d.media_type;
        return m;
      }
    }
    return std::nullopt;
  }

  RawManifest manifest(const Digest& digest) override {
    std::string bytes = read_blob_file(digest, kMaxManifestBytes, "manifest");
    return RawManifest::of(sniff_manifest_type(bytes), std::move(bytes));
  }

  std::string blob(const Descriptor& d, size_t limit) override {
    return read_blob_file(d.digest, limit, "blob");
  }

  void put_blob(const Descriptor& d, const std::string& bytes) override {
    if (sha256_of(bytes) != d.digest)
      fail("{}: blob {} does not match its bytes", name(), d.digest.str());
    fs::path p = blob_path(d.digest);
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) fail("{}: cannot create {}: {}", name(), p.parent_path().string(), ec.message());
    write_file_atomic(p, bytes);
  }

  void put_manifest(const RawManifest& m, const std::string& tag) override {
    Descriptor d = descriptor_of(m.media_type, m.bytes);
    put_blob(d, m.bytes);
    Json j = Json::parse(m.bytes, nullptr, false);
    Index index = read_index();
    std::vector<Descriptor> kept;
    for (auto& old : index.manifests) {
      auto it = old.annotations.find(std::string(kRefName));
      bool tagged = it != old.annotations.end();
      if (!tag.empty() && tagged && it->second == tag) continue;
      if (tag.empty() && !tagged && old.digest == d.digest) continue;
      kept.push_back(old);
    }
    if (!tag.empty()) d.annotations[std::string(kRefName)] = tag;
    index.manifests = std::move(kept);
    index.manifests.push_back(d);
    index.media_type = std::string(media::kOciIndex);
    std::string text = index.serialize();
    if (j.is_object() && j.contains("artifactType") && j["artifactType"].is_string() &&
        tag.empty()) {
      // Descriptor does not model artifactType: add it to the serialised entry.
      Json ij = Json::parse(text);
      ij["manifests"].back()["artifactType"] = j["artifactType"];
      text = ij.dump();
    }
    write_file_atomic(dir_ / "index.json", text);
  }

  std::optional<RawManifest> referrers(const Digest& /*subject*/) override { return std::nullopt; }

 private:
  fs::path blob_path(const Digest& d) const { return dir_ / "blobs" / d.algorithm / d.hex; }

  Index read_index() const {
    std::error_code ec;
    if (!fs::exists(dir_ / "oci-layout", ec) || !fs::exists(dir_ / "index.json", ec)) {
      fail("{}: not an OCI image layout (no oci-layout or index.json)", name());
    }
    std::string bytes = read_file(dir_ / "index.json", kMaxManifestBytes);
    return Index::parse(bytes, media::kOciIndex, fmt::format("{}: index.json", name()));
  }

  std::string read_blob_file(const Digest& digest, size_t limit, std::string_view what) const {
    fs::path p = blob_path(digest);
    std::error_code ec;
    if (!fs::is_regular_file(p, ec))
      fail("{}: {} {} is missing from blobs/", name(), what, digest.str());
    std::string bytes = read_file(p, limit);
    if (sha256_of(bytes) != digest) {
      fail("{}: {} {} is corrupt: its content hashes to {}", name(), what, digest.str(),
           sha256_of(bytes).str());
    }
    return bytes;
  }

  fs::path dir_;
};

}  // namespace

std::unique_ptr<AttachmentStore> open_layout_store(const std::filesystem::path& dir) {
  return std::make_unique<LayoutStore>(dir);
}

}  // namespace imgstrip
