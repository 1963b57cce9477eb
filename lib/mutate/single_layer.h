// Builds a new image from a base image and a selection of its flattened tree: one layer,
// the base's config kept (entrypoint, env, user, ports, labels...) with rootfs and history
// replaced, and an OCI manifest. Nothing here depends on time or host: the same inputs
// give the same bytes (the config's "created" is the timestamp, or the base's).
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "fs/tree.h"
#include "image/copy.h"
#include "image/image.h"
#include "layer/writer.h"

namespace imgstrip {

struct SingleLayerOptions {
  LayerOptions layer;
  std::string created_by;                          // history entry text
  std::map<std::string, std::string> labels;       // added to the config
  std::map<std::string, std::string> annotations;  // added to the manifest
};

struct SingleLayerImage {
  Manifest manifest;
  std::string config;
  WrittenLayer layer;

  // The blob list put_image() takes.
  std::vector<BlobToWrite> blobs() const;
};

// Writes the layer into `work_dir` and builds config and manifest around it.
SingleLayerImage single_layer_image(const Image& base, const FileTree& tree,
                                    const std::set<std::string>& paths,
                                    const std::filesystem::path& work_dir,
                                    const SingleLayerOptions& options);

// Every path of the tree (for a plain flatten).
std::set<std::string> all_paths(const FileTree& tree);

}  // namespace imgstrip
