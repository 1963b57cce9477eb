// The docker-archive: transport: tarballs written by `docker save` / `podman save`, in the
// classic form (manifest.json, <id>.json, <id>/layer.tar) and the OCI-in-tar form that
// newer Docker writes (index.json, blobs/sha256/...).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "image/sink.h"
#include "image/source.h"
#include "oci/reference.h"

namespace imgstrip {

// `ref` picks an image by RepoTags when the archive holds several.
std::unique_ptr<ImageSource> open_archive_source(const std::filesystem::path& file,
                                                 const std::optional<Reference>& ref);
// How a written archive is laid out. Classic: manifest.json, <config>.json and
// <diff_id>/layer.tar, as `docker save` wrote before Docker 25. Combined: what Docker 25
// writes, an OCI image layout (oci-layout, index.json, blobs/sha256/...) whose blobs
// manifest.json also names, so engines that read either form load it.
enum class ArchiveFormat { Classic, Combined };

// Writes a docker-load-able archive with uncompressed layers; the file appears only at
// commit (written beside it, then renamed). commit() returns the image ID (the config
// digest), as docker shows it.
std::unique_ptr<ImageSink> open_archive_sink(const std::filesystem::path& file,
                                             const std::optional<Reference>& ref,
                                             ArchiveFormat format = ArchiveFormat::Classic);

}  // namespace imgstrip
