#include "layout/layout.h"

#include <fmt/format.h>

#include <system_error>

#include "core/error.h"
#include "core/stream.h"
#include "oci/media_types.h"

namespace imgstrip {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRefName = "org.opencontainers.image.ref.name";

fs::path blob_path(const fs::path& dir, const Digest& d) {
  // Digest::parse guarantees algorithm and hex are safe path components.
  return dir / "blobs" / d.algorithm / d.hex;
}

Index read_index(const fs::path& dir, std::string_view where) {
  std::error_code ec;
  if (!fs::exists(dir / "oci-layout", ec)) {
    fail("{}: not an OCI image layout (no oci-layout file in {})", where, dir.string());
  }
  std::string layout = read_file(dir / "oci-layout", 64 << 10);
  Json lj = Json::parse(layout, nullptr, false);
  if (!lj.is_object() || !lj.contains("imageLayoutVersion")) {
    fail("{}: oci-layout is not valid (expected {{\"imageLayoutVersion\": \"1.0.0\"}})", where);
  }
  std::string bytes = read_file(dir / "index.json", kMaxManifestBytes);
  return Index::parse(bytes, media::kOciIndex, fmt::format("{}: index.json", where));
}

class LayoutSource : public ImageSource {
 public:
  LayoutSource(fs::path dir, std::string tag) : dir_(std::move(dir)), tag_(std::move(tag)) {}

  std::string name() const override {
    return tag_.empty() ? "oci:" + dir_.string() : "oci:" + dir_.string() + ":" + tag_;
  }

  RawManifest root() override {
    Index index = read_index(dir_, name());
    const Descriptor* chosen = nullptr;
    if (tag_.empty()) {
      if (index.manifests.size() != 1) {
        std::string tags;
        for (auto& d : index.manifests) {
          auto it = d.annotations.find(std::string(kRefName));
          if (it == d.annotations.end()) continue;
          if (!tags.empty()) tags += ", ";
          tags += it->second;
        }
        fail("{}: the layout holds {} images; name one as oci:DIR:TAG (tags: {})", name(),
             index.manifests.size(), tags.empty() ? "none" : tags);
      }
      chosen = &index.manifests.front();
    } else {
      for (auto& d : index.manifests) {
        auto it = d.annotations.find(std::string(kRefName));
        if (it != d.annotations.end() && it->second == tag_) chosen = &d;
      }
      if (chosen == nullptr) fail("{}: no image tagged \"{}\" in index.json", name(), tag_);
    }
    RawManifest raw = manifest(chosen->digest);
    raw.media_type = chosen->media_type;
    return raw;
  }

  RawManifest manifest(const Digest& digest) override {
    fs::path p = blob_path(dir_, digest);
    std::error_code ec;
    if (!fs::exists(p, ec)) fail("{}: manifest {} is missing from blobs/", name(), digest.str());
    std::string bytes = read_file(p, kMaxManifestBytes);
    RawManifest raw = RawManifest::of(sniff_manifest_type(bytes), std::move(bytes));
    if (raw.digest != digest) {
      fail("{}: blob {} is corrupt: its content hashes to {}", name(), digest.str(),
           raw.digest.str());
    }
    return raw;
  }

  std::unique_ptr<ReadStream> blob(const Descriptor& d) override {
    fs::path p = blob_path(dir_, d.digest);
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      fail("{}: blob {} is missing from blobs/", name(), d.digest.str());
    }
    return std::make_unique<FileReader>(p);
  }

 private:
  fs::path dir_;
  std::string tag_;
};

class LayoutSink : public ImageSink {
 public:
  LayoutSink(fs::path dir, std::string tag) : dir_(std::move(dir)), tag_(std::move(tag)) {
    std::error_code ec;
    fs::create_directories(dir_ / "blobs" / "sha256", ec);
    if (ec) fail("{}: cannot create {}: {}", name(), dir_.string(), ec.message());
    if (fs::exists(dir_ / "index.json", ec)) {
      read_index(dir_, name());  // refuse to add to something that is not a layout
    }
  }

  std::string name() const override {
    return tag_.empty() ? "oci:" + dir_.string() : "oci:" + dir_.string() + ":" + tag_;
  }

  bool has_blob(const Descriptor& d) override {
    std::error_code ec;
    auto size = fs::file_size(blob_path(dir_, d.digest), ec);
    return !ec && static_cast<int64_t>(size) == d.size;
  }

  void put_blob(const Descriptor& d, const StreamOpener& open) override {
    fs::path final_path = blob_path(dir_, d.digest);
    std::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    fs::path tmp = final_path;
    tmp += ".partial";
    try {
      auto in = open();
      FileWriter out(tmp);
      copy_stream(*in, out);  // the opener's stream verifies digest and size at its end
      out.close();
    } catch (...) {
      fs::remove(tmp, ec);
      throw;
    }
    fs::rename(tmp, final_path, ec);
    if (ec) fail("{}: cannot store blob {}: {}", name(), d.digest.str(), ec.message());
  }

  void put_manifest(const RawManifest& manifest) override {
    if (manifest.digest != sha256_of(manifest.bytes)) {
      fail("{}: manifest digest does not match its bytes", name());
    }
    fs::path p = blob_path(dir_, manifest.digest);
    write_file_atomic(p, manifest.bytes);
    manifest_ = manifest;
  }

  Digest commit() override {
    if (!manifest_) fail("{}: commit without a manifest", name());
    std::error_code ec;
    Index index;
    index.media_type = std::string(media::kOciIndex);
    if (fs::exists(dir_ / "index.json", ec)) index = read_index(dir_, name());
    Descriptor d;
    d.media_type = manifest_->media_type;
    d.digest = manifest_->digest;
    d.size = static_cast<int64_t>(manifest_->bytes.size());
    std::vector<Descriptor> kept;
    for (auto& m : index.manifests) {
      auto it = m.annotations.find(std::string(kRefName));
      bool same_tag = !tag_.empty() && it != m.annotations.end() && it->second == tag_;
      bool same_untagged = tag_.empty() && it == m.annotations.end() && m.digest == d.digest;
      if (!same_tag && !same_untagged) kept.push_back(m);
    }
    if (!tag_.empty()) d.annotations[std::string(kRefName)] = tag_;
    kept.push_back(d);
    index.manifests = std::move(kept);
    index.media_type = std::string(media::kOciIndex);
    if (!fs::exists(dir_ / "oci-layout", ec)) {
      write_file_atomic(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    }
    write_file_atomic(dir_ / "index.json", index.serialize());
    return manifest_->digest;
  }

 private:
  fs::path dir_;
  std::string tag_;
  std::optional<RawManifest> manifest_;
};

}  // namespace

std::unique_ptr<ImageSource> open_layout_source(const std::filesystem::path& dir,
                                                const std::string& tag) {
  return std::make_unique<LayoutSource>(dir, tag);
}

std::unique_ptr<ImageSink> open_layout_sink(const std::filesystem::path& dir,
                                            const std::string& tag) {
  return std::make_unique<LayoutSink>(dir, tag);
}

}  // namespace imgstrip
