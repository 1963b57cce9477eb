// Media types of the OCI image spec and Docker's image manifest v2 schema 2.
#pragma once

#include <string_view>

namespace imgstrip::media {

inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kOciLayerNondistGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerLayerForeignGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr std::string_view kDockerSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view kDockerSchema1 =
    "application/vnd.docker.distribution.manifest.v1+json";

enum class Compression { None, Gzip, Zstd };

inline bool is_index(std::string_view t) {
  return t == kOciIndex || t == kDockerManifestList;
}
inline bool is_manifest(std::string_view t) {
  return t == kOciManifest || t == kDockerManifest;
}
inline bool is_docker(std::string_view t) {
  return t.starts_with("application/vnd.docker.");
}

// Whether a media type names a layer, and how it is compressed. Unknown types are not
// layers (callers report them).
bool is_layer(std::string_view t);
Compression layer_compression(std::string_view t);
std::string_view compression_name(Compression c);

// The layer media type for a compression in the OCI or Docker family.
std::string_view layer_type(Compression c, bool docker);

}  // namespace imgstrip::media
