// The oci: transport: an OCI image layout directory (oci-layout, index.json, blobs/).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "image/sink.h"
#include "image/source.h"

namespace imgstrip {

// Reads the image tagged `tag` (annotation org.opencontainers.image.ref.name); with an
// empty tag, the layout must hold exactly one image (or index).
std::unique_ptr<ImageSource> open_layout_source(const std::filesystem::path& dir,
                                                const std::string& tag);
// Writes into `dir` (created if missing; an existing layout keeps its other images).
// Blobs land first; index.json is replaced atomically at commit.
std::unique_ptr<ImageSink> open_layout_sink(const std::filesystem::path& dir,
                                            const std::string& tag);

}  // namespace imgstrip
