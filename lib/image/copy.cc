#include "image/copy.h"

#include <fmt/format.h>

namespace imgstrip {

CopyResult put_image(ImageSink& sink, const Manifest& manifest, const std::string& config_bytes,
                     const std::vector<BlobToWrite>& layers,
                     const std::function<void(const CopyProgress&)>& on_blob,
                     const RawManifest* original) {
  CopyResult result;
  Manifest out = sink.accepts_manifest(manifest.media_type)
                     ? manifest
                     : convert_manifest(manifest, sink.wants_docker_manifest());
  auto put = [&](const std::string& what, const Descriptor& d, const StreamOpener& open) {
    CopyProgress p{what, d, false};
    if (sink.has_blob(d)) {
      p.skipped = true;
      ++result.blobs_skipped;
    } else {
      sink.put_blob(d, open);
      ++result.blobs_copied;
      result.bytes_copied += static_cast<uint64_t>(d.size);
    }
    if (on_blob) on_blob(p);
  };
  for (size_t i = 0; i < layers.size(); ++i) {
    put(fmt::format("layer {}/{}", i + 1, layers.size()), out.layers.at(i), layers[i].open);
  }
  put("config", out.config, [&config_bytes]() -> std::unique_ptr<ReadStream> {
    return std::make_unique<StringReader>(config_bytes);
  });
  bool unchanged = original != nullptr && out.media_type == manifest.media_type;
  sink.put_manifest(unchanged ? *original : RawManifest::of(out.media_type, out.serialize()));
  result.digest = sink.commit();
  return result;
}

CopyResult copy_image(ImageSource& source, ImageSink& sink, const Platform& platform,
                      const std::function<void(const CopyProgress&)>& on_blob) {
  Image img = load_image(source, platform);
  source.prefetch(img.manifest.layers);
  std::vector<BlobToWrite> layers;
  for (auto& l : img.manifest.layers) {
    layers.push_back({l, [&source, l]() { return open_blob(source, l); }});
  }
  CopyResult result = put_image(sink, img.manifest, img.config_bytes, layers, on_blob, &img.raw);
  result.source_digest = img.raw.digest;
  return result;
}

}  // namespace imgstrip
