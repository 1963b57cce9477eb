#include "archive/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

#include "archive/tar_members.h"
#include "core/error.h"
#include "core/tempdir.h"
#include "layer/decompress.h"
#include "oci/config.h"
#include "oci/media_types.h"

namespace imgstrip {
namespace {

namespace fs = std::filesystem;

bool same_image(const std::string& repo_tag, const Reference& want) {
  try {
    return Reference::parse(repo_tag).str() == want.str();
  } catch (const Error&) {
    return false;
  }
}

// Peeks at the first bytes of a stream to tell gzip and zstd from a plain tar.
media::Compression sniff_compression(ReadStream& in) {
  unsigned char magic[4] = {0, 0, 0, 0};
  size_t got = 0;
  while (got < sizeof magic) {
    size_t n = in.read(magic + got, sizeof magic - got);
    if (n == 0) break;
    got += n;
  }
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return media::Compression::Gzip;
  if (got >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return media::Compression::Zstd;
  }
  return media::Compression::None;
}

class ArchiveSource : public ImageSource {
 public:
  ArchiveSource(fs::path file, std::optional<Reference> ref)
      : file_(std::move(file)), ref_(std::move(ref)), members_(file_) {}

  std::string name() const override {
    return "docker-archive:" + file_.string() + (ref_ ? ":" + ref_->str() : "");
  }

  RawManifest root() override {
    if (members_.contains("manifest.json")) return from_docker_manifest();
    if (members_.contains("index.json")) return from_oci_index();
    fail("{}: neither manifest.json nor index.json found: not a docker save archive", name());
  }

  RawManifest manifest(const Digest& digest) override {
    std::string member = "blobs/" + digest.algorithm + "/" + digest.hex;
    if (!members_.contains(member))
      fail("{}: manifest {} not in the archive", name(), digest.str());
    std::string bytes = members_.read(member, kMaxManifestBytes);
    RawManifest raw = RawManifest::of(sniff_manifest_type(bytes), std::move(bytes));
    if (raw.digest != digest) fail("{}: manifest {} is corrupt", name(), digest.str());
    return raw;
  }

  std::unique_ptr<ReadStream> blob(const Descriptor& d) override {
    auto it = blob_members_.find(d.digest);
    std::string member =
        it != blob_members_.end() ? it->second : "blobs/" + d.digest.algorithm + "/" + d.digest.hex;
    if (!members_.contains(member)) fail("{}: blob {} not in the archive", name(), d.digest.str());
    return members_.open(member);
  }

 private:
  RawManifest from_docker_manifest() {
    std::string text = members_.read("manifest.json", kMaxManifestBytes);
    std::string where = name() + ": manifest.json";
    Json list = Json::parse(text, nullptr, false);
    if (!list.is_array() || list.empty()) fail("{}: expected a non-empty JSON array", where);
    const Json* chosen = nullptr;
    if (ref_) {
      for (auto& item : list) {
        if (!item.is_object() || !item.contains("RepoTags") || !item["RepoTags"].is_array()) {
          continue;
        }
        for (auto& t : item["RepoTags"]) {
          if (t.is_string() && same_image(t.get<std::string>(), *ref_)) chosen = &item;
        }
      }
      if (chosen == nullptr) fail("{}: no image tagged {} in the archive", where, ref_->str());
    } else {
      if (list.size() != 1) {
        fail("{}: the archive holds {} images; name one as docker-archive:FILE:REF", where,
             list.size());
      }
      chosen = &list.front();
    }
    if (!chosen->is_object() || !(*chosen)["Config"].is_string() ||
        !(*chosen)["Layers"].is_array()) {
      fail("{}: entry needs \"Config\" (string) and \"Layers\" (array)", where);
    }
    std::string config_member = (*chosen)["Config"].get<std::string>();
    std::string config = members_.read(config_member, kMaxConfigBytes);
    ImageConfig cfg = ImageConfig::parse(config, where + ": " + config_member);
    std::vector<Digest> diff_ids = cfg.diff_ids();
    const Json& layers = (*chosen)["Layers"];
    if (layers.size() != diff_ids.size()) {
      fail("{}: {} layers listed but the config has {} diff_ids", where, layers.size(),
           diff_ids.size());
    }

    Manifest m;
    m.media_type = std::string(media::kDockerManifest);
    m.config.media_type = std::string(media::kDockerConfig);
    m.config.digest = sha256_of(config);
    m.config.size = static_cast<int64_t>(config.size());
    blob_members_[m.config.digest] = config_member;
    for (size_t i = 0; i < layers.size(); ++i) {
      if (!layers[i].is_string()) fail("{}: layer {} is not a string", where, i);
      std::string member = layers[i].get<std::string>();
      Descriptor d;
      d.size = static_cast<int64_t>(members_.size(member));
      auto in = members_.open(member);
      media::Compression c = sniff_compression(*in);
      d.media_type = std::string(media::layer_type(c, true));
      if (c == media::Compression::None) {
        d.digest = diff_ids[i];  // an uncompressed layer's digest is its diff_id
      } else {
        auto again = members_.open(member);
        HashingReader h(*again);
        drain(h);
        d.digest = h.finish();
      }
      blob_members_[d.digest] = member;
      m.layers.push_back(d);
    }
    return RawManifest::of(m.media_type, m.serialize());
  }

  RawManifest from_oci_index() {
    std::string where = name() + ": index.json";
    Index index =
        Index::parse(members_.read("index.json", kMaxManifestBytes), media::kOciIndex, where);
    const Descriptor* chosen = nullptr;
    if (ref_) {
      for (auto& d : index.manifests) {
        for (const char* key : {"io.containerd.image.name", "org.opencontainers.image.ref.name"}) {
          auto it = d.annotations.find(key);
          if (it != d.annotations.end() &&
              (same_image(it->second, *ref_) || it->second == ref_->tag)) {
            chosen = &d;
          }
        }
      }
      if (chosen == nullptr) fail("{}: no image named {} in the archive", where, ref_->str());
    } else {
      if (index.manifests.size() != 1) {
        fail("{}: the archive holds {} images; name one as docker-archive:FILE:REF", where,
             index.manifests.size());
      }
      chosen = &index.manifests.front();
    }
    RawManifest raw = manifest(chosen->digest);
    raw.media_type = chosen->media_type;
    return raw;
  }

  fs::path file_;
  std::optional<Reference> ref_;
  TarMembers members_;
  std::map<Digest, std::string> blob_members_;
};

// Writes a docker-load-able tar: manifest.json, <config hex>.json, <diff_id hex>/layer.tar
// (uncompressed, as docker save writes them).
class ArchiveSink : public ImageSink {
 public:
  ArchiveSink(fs::path file, std::optional<Reference> ref, ArchiveFormat format)
      : file_(fs::absolute(std::move(file))),
        ref_(std::move(ref)),
        format_(format),
        staging_(file_.parent_path(), ".imgstrip-archive") {}

  std::string name() const override {
    return "docker-archive:" + file_.string() + (ref_ ? ":" + ref_->str() : "");
  }

  bool wants_docker_manifest() const override { return true; }

  void put_blob(const Descriptor& d, const StreamOpener& open) override {
    fs::path staged = staging_.path() / d.digest.hex;
    Staged s;
    s.path = staged;
    {
      auto in = open();
      FileWriter out(staged);
      if (media::is_layer(d.media_type)) {
        // Stored uncompressed: decompress while copying, and hash what we store.
        struct Borrowed : ReadStream {
          ReadStream& inner;
          explicit Borrowed(ReadStream& i) : inner(i) {}
          size_t read(void* buf, size_t n) override { return inner.read(buf, n); }
        };
        auto plain = decompress(std::make_unique<Borrowed>(*in));
        HashingWriter h(&out);
        copy_stream(*plain, h);
        drain(*in);  // let the verifying stream reach its end and check the digest
        s.diff_id = h.finish();
        s.size = h.count();
      } else {
        HashingWriter h(&out);
        copy_stream(*in, h);
        s.diff_id = h.finish();
        s.size = h.count();
      }
      out.close();
    }
    staged_[d.digest] = s;
  }

  void put_manifest(const RawManifest& manifest) override {
    manifest_ = Manifest::parse(manifest.bytes, manifest.media_type, name() + ": manifest");
  }

  Digest commit() override {
    if (!manifest_) fail("{}: commit without a manifest", name());
    const Manifest& m = *manifest_;
    auto config_it = staged_.find(m.config.digest);
    if (config_it == staged_.end()) fail("{}: config blob was not written", name());
    ImageConfig cfg =
        ImageConfig::parse(read_file(config_it->second.path, kMaxConfigBytes), name() + ": config");
    std::vector<Digest> diff_ids = cfg.diff_ids();
    if (diff_ids.size() != m.layers.size()) {
      fail("{}: the config lists {} diff_ids for {} layers", name(), diff_ids.size(),
           m.layers.size());
    }
    bool combined = format_ == ArchiveFormat::Combined;
    auto blob_member = [](const Digest& d) { return "blobs/" + d.algorithm + "/" + d.hex; };
    Json entry = Json::object();
    entry["Config"] = combined ? blob_member(m.config.digest) : m.config.digest.hex + ".json";
    entry["RepoTags"] = Json::array();
    if (ref_ && !ref_->tag.empty()) entry["RepoTags"].push_back(repo_tag(*ref_));
    entry["Layers"] = Json::array();
    std::vector<std::pair<std::string, const Staged*>> members;
    Manifest oci;  // the combined form's OCI manifest: uncompressed layers, as stored
    oci.media_type = std::string(media::kOciManifest);
    oci.config = descriptor(media::kOciConfig, m.config.digest, m.config.size);
    for (size_t i = 0; i < m.layers.size(); ++i) {
      auto it = staged_.find(m.layers[i].digest);
      if (it == staged_.end()) fail("{}: layer {} was not written", name(), i);
      if (it->second.diff_id != diff_ids[i]) {
        fail("{}: layer {} uncompresses to {}, but the config says {}", name(), i,
             it->second.diff_id.str(), diff_ids[i].str());
      }
      std::string member = combined ? blob_member(diff_ids[i]) : diff_ids[i].hex + "/layer.tar";
      oci.layers.push_back(
          descriptor(media::kOciLayer, diff_ids[i], static_cast<int64_t>(it->second.size)));
      bool again = std::any_of(members.begin(), members.end(),
                               [&](const auto& mem) { return mem.first == member; });
      entry["Layers"].push_back(member);
      if (!again) members.emplace_back(member, &it->second);
    }
    members.emplace_back(entry["Config"].get<std::string>(), &config_it->second);
    Json list = Json::array();
    list.push_back(entry);

    std::vector<std::pair<std::string, std::string>> texts;
    if (combined) {
      std::string manifest = oci.serialize();
      Digest manifest_digest = sha256_of(manifest);
      Descriptor d =
          descriptor(media::kOciManifest, manifest_digest, static_cast<int64_t>(manifest.size()));
      if (ref_ && !ref_->tag.empty()) {
        d.annotations["io.containerd.image.name"] = ref_->str();
        d.annotations["org.opencontainers.image.ref.name"] = ref_->tag;
      }
      Json index = {{"schemaVersion", 2},
                    {"mediaType", media::kOciIndex},
                    {"manifests", Json::array({d.to_json()})}};
      texts.emplace_back(blob_member(manifest_digest), std::move(manifest));
      texts.emplace_back("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
      texts.emplace_back("index.json", index.dump());
    }
    texts.emplace_back("manifest.json", list.dump());

    fs::path tmp = staging_.path() / "out.tar";
    write_tar(tmp, members, texts);
    std::error_code ec;
    fs::rename(tmp, file_, ec);
    if (ec) fail("{}: cannot move the archive into place: {}", name(), ec.message());
    return m.config.digest;  // docker calls this the image ID
  }

 private:
  struct Staged {
    fs::path path;
    Digest diff_id;  // sha256 of what is stored (uncompressed for layers)
    uint64_t size = 0;
  };

  static Descriptor descriptor(std::string_view media_type, const Digest& digest, int64_t size) {
    Descriptor d;
    d.media_type = std::string(media_type);
    d.digest = digest;
    d.size = size;
    return d;
  }

  static std::string repo_tag(const Reference& r) {
    // docker writes short names for Docker Hub images ("nginx:latest").
    std::string repo = r.registry == "docker.io" ? r.repository : r.name();
    if (r.registry == "docker.io" && repo.starts_with("library/")) repo.erase(0, 8);
    return repo + ":" + r.tag;
  }

  void write_tar(const fs::path& out,
                 const std::vector<std::pair<std::string, const Staged*>>& members,
                 const std::vector<std::pair<std::string, std::string>>& texts) {
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (archive_write_open_filename(a, out.c_str()) != ARCHIVE_OK) {
      std::string msg = archive_error_string(a);
      archive_write_free(a);
      fail("{}: cannot create {}: {}", name(), out.string(), msg);
    }
    auto check = [&](int rc) {
      if (rc < ARCHIVE_WARN) {
        std::string msg = archive_error_string(a) ? archive_error_string(a) : "write error";
        archive_write_free(a);
        fail("{}: writing the archive failed: {}", name(), msg);
      }
    };
    auto header = [&](const std::string& path, bool dir, uint64_t size) {
      archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, path.c_str());
      archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
      archive_entry_set_perm(e, dir ? 0755 : 0644);
      archive_entry_set_size(e, dir ? 0 : static_cast<la_int64_t>(size));
      archive_entry_set_mtime(e, 0, 0);
      int rc = archive_write_header(a, e);
      archive_entry_free(e);
      check(rc);
    };
    std::set<std::string> dirs;
    auto parents = [&](const std::string& member) {
      for (auto slash = member.find('/'); slash != std::string::npos;
           slash = member.find('/', slash + 1)) {
        if (dirs.insert(member.substr(0, slash)).second) header(member.substr(0, slash), true, 0);
      }
    };
    for (auto& [member, staged] : members) {
      parents(member);
      header(member, false, staged->size);
      FileReader in(staged->path);
      std::unique_ptr<char[]> buf(new char[1 << 20]);
      while (size_t n = in.read(buf.get(), 1 << 20)) {
        check(
            static_cast<int>(archive_write_data(a, buf.get(), n) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK));
      }
    }
    for (auto& [member, text] : texts) {
      parents(member);
      header(member, false, text.size());
      check(archive_write_data(a, text.data(), text.size()) < 0 ? ARCHIVE_FATAL : ARCHIVE_OK);
    }
    check(archive_write_close(a));
    archive_write_free(a);
  }

  fs::path file_;
  std::optional<Reference> ref_;
  ArchiveFormat format_;
  TempDir staging_;
  std::map<Digest, Staged> staged_;
  std::optional<Manifest> manifest_;
};

}  // namespace

std::unique_ptr<ImageSource> open_archive_source(const std::filesystem::path& file,
                                                 const std::optional<Reference>& ref) {
  return std::make_unique<ArchiveSource>(file, ref);
}

std::unique_ptr<ImageSink> open_archive_sink(const std::filesystem::path& file,
                                             const std::optional<Reference>& ref,
                                             ArchiveFormat format) {
  return std::make_unique<ArchiveSink>(file, ref, format);
}

}  // namespace imgstrip
