#include "image/image.h"

#include <fmt/format.h>

#include "core/error.h"
#include "oci/media_types.h"

namespace imgstrip {

Image load_image(ImageSource& source, const Platform& platform) {
  Image img;
  RawManifest root = source.root();
  if (root.media_type.empty()) root.media_type = sniff_manifest_type(root.bytes);
  if (media::is_index(root.media_type)) {
    std::string where = fmt::format("index {} of {}", root.digest.str(), source.name());
    Index index = Index::parse(root.bytes, root.media_type, where);
    const Descriptor& chosen = index.select(platform, where);
    img.raw = source.manifest(chosen.digest);
    if (img.raw.digest != chosen.digest) {
      fail("{}: manifest {} hashes to {}", source.name(), chosen.digest.str(),
           img.raw.digest.str());
    }
    if (img.raw.media_type.empty()) img.raw.media_type = chosen.media_type;
    img.index = std::move(root);
  } else {
    img.raw = std::move(root);
  }
  std::string where = fmt::format("manifest {} of {}", img.raw.digest.str(), source.name());
  img.manifest = Manifest::parse(img.raw.bytes, img.raw.media_type, where);
  img.config_bytes = read_blob(source, img.manifest.config, kMaxConfigBytes);
  img.config = ImageConfig::parse(
      img.config_bytes,
      fmt::format("config {} of {}", img.manifest.config.digest.str(), source.name()));
  for (size_t i = 0; i < img.manifest.layers.size(); ++i) {
    if (!media::is_layer(img.manifest.layers[i].media_type)) {
      fail("{}: layer {} has unsupported media type \"{}\"", where, i,
           img.manifest.layers[i].media_type);
    }
  }
  size_t ids = img.config.diff_ids().size();
  if (ids != img.manifest.layers.size()) {
    fail("{}: the manifest lists {} layers but the config's rootfs.diff_ids has {}", where,
         img.manifest.layers.size(), ids);
  }
  return img;
}

}  // namespace imgstrip
