// An image read from a source: the platform's manifest and its config, found through an
// index when the source points at one.
#pragma once

#include <optional>
#include <string>

#include "image/source.h"
#include "oci/config.h"
#include "oci/manifest.h"
#include "oci/platform.h"

namespace imgstrip {

struct Image {
  std::optional<RawManifest> index;  // the index we came through, if any
  RawManifest raw;                   // the image manifest as stored
  Manifest manifest;
  std::string config_bytes;
  ImageConfig config;
};

// Reads root(), selects `platform` from an index, reads and checks the config. Checks
// that the config's diff_ids match the layers in number.
Image load_image(ImageSource& source, const Platform& platform);

}  // namespace imgstrip
