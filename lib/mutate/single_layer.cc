#include "mutate/single_layer.h"

#include <ctime>

#include "oci/media_types.h"

namespace imgstrip {
namespace {

std::string rfc3339(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::vector<BlobToWrite> SingleLayerImage::blobs() const {
  std::filesystem::path path = layer.path;
  return {{manifest.layers.at(0),
           [path]() -> std::unique_ptr<ReadStream> { return std::make_unique<FileReader>(path); }}};
}

std::set<std::string> all_paths(const FileTree& tree) {
  std::set<std::string> out;
  for (auto& [path, _] : tree.entries()) {
    if (!path.empty()) out.insert(path);
  }
  return out;
}

SingleLayerImage single_layer_image(const Image& base, const FileTree& tree,
                                    const std::set<std::string>& paths,
                                    const std::filesystem::path& work_dir,
                                    const SingleLayerOptions& options) {
  SingleLayerImage out;
  out.layer = write_layer(tree, paths, work_dir / "layer.blob", options.layer);

  ImageConfig config = base.config;
  std::string created =
      options.layer.timestamp ? rfc3339(*options.layer.timestamp) : base.config.created();
  if (!created.empty()) config.set_created(created);
  HistoryEntry h;
  h.created = created;
  h.created_by = options.created_by;
  config.set_layers({out.layer.diff_id}, {h});
  for (auto& [k, v] : options.labels)
    config.set_label(k, v);
  out.config = config.serialize();

  Manifest& m = out.manifest;
  m.media_type = std::string(media::kOciManifest);
  m.config.media_type = std::string(media::kOciConfig);
  m.config.digest = sha256_of(out.config);
  m.config.size = static_cast<int64_t>(out.config.size());
  m.layers = {out.layer.descriptor};
  m.annotations = options.annotations;
  m.json = Json::object();
  return out;
}

}  // namespace imgstrip
