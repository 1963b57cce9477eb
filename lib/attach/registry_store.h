// The attachment store of a registry repository (docker://).
#pragma once

#include <memory>

#include "attach/store.h"
#include "oci/reference.h"

namespace imgstrip {

std::unique_ptr<AttachmentStore> open_registry_store(const Reference& ref,
                                                     const RegistryOptions& options);

}  // namespace imgstrip
