// The attachment store of an OCI image layout (oci:DIR): manifests are blobs under
// blobs/sha256, tags are index.json entries with org.opencontainers.image.ref.name.
#pragma once

#include <filesystem>
#include <memory>

#include "attach/store.h"

namespace imgstrip {

std::unique_ptr<AttachmentStore> open_layout_store(const std::filesystem::path& dir);

}  // namespace imgstrip
