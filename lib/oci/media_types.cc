#include "oci/media_types.h"

namespace imgstrip::media {

bool is_layer(std::string_view t) {
  return t == kOciLayer || t == kOciLayerGzip || t == kOciLayerZstd || t == kOciLayerNondistGzip ||
         t == kDockerLayer || t == kDockerLayerGzip || t == kDockerLayerForeignGzip ||
         t == "application/vnd.oci.image.layer.nondistributable.v1.tar" ||
         t == "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" ||
         t == "application/vnd.docker.image.rootfs.diff.tar.zstd";
}

Compression layer_compression(std::string_view t) {
  if (t.ends_with("+gzip") || t.ends_with(".gzip")) return Compression::Gzip;
  if (t.ends_with("+zstd") || t.ends_with(".zstd")) return Compression::Zstd;
  return Compression::None;
}

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::None:
      return "none";
    case Compression::Gzip:
      return "gzip";
    case Compression::Zstd:
      return "zstd";
  }
  return "none";
}

std::string_view layer_type(Compression c, bool docker) {
  switch (c) {
    case Compression::None:
      return docker ? kDockerLayer : kOciLayer;
    case Compression::Gzip:
      return docker ? kDockerLayerGzip : kOciLayerGzip;
    case Compression::Zstd:
      return docker ? std::string_view("application/vnd.docker.image.rootfs.diff.tar.zstd")
                    : kOciLayerZstd;
  }
  return kOciLayer;
}

}  // namespace imgstrip::media
