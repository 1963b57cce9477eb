// The docker:// transport: an ImageSource and ImageSink over the OCI distribution API.
#pragma once

#include <memory>

#include "image/sink.h"
#include "image/source.h"
#include "oci/reference.h"
#include "registry/options.h"

namespace imgstrip {

std::unique_ptr<ImageSource> open_registry_source(const Reference& ref,
                                                  const RegistryOptions& options);
std::unique_ptr<ImageSink> open_registry_sink(const Reference& ref, const RegistryOptions& options);

}  // namespace imgstrip
