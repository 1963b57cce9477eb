#include "attach/store.h"

#include "attach/layout_store.h"
#include "attach/registry_store.h"
#include "core/error.h"

namespace imgstrip {

bool holds_attachments(const Location& where) {
  return where.kind == Location::Kind::Registry || where.kind == Location::Kind::OciLayout;
}

std::unique_ptr<AttachmentStore> open_attachment_store(const Location& where,
                                                       const RegistryOptions& options) {
  if (where.kind == Location::Kind::Registry) return open_registry_store(*where.reference, options);
  if (where.kind == Location::Kind::OciLayout) return open_layout_store(where.path);
  usage_fail(
      "{}: signatures and SBOM attachments go to a registry (docker://) or an OCI layout "
      "(oci:), not to {}",
      where.str(), where.transport());
}

Descriptor descriptor_of(std::string_view media_type, const std::string& bytes) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = sha256_of(bytes);
  d.size = static_cast<int64_t>(bytes.size());
  return d;
}

}  // namespace imgstrip
