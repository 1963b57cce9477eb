#include "registry/registry.h"

#include "core/error.h"

namespace imgstrip {

std::unique_ptr<ImageSource> open_registry_source(const Reference& ref, const RegistryOptions&) {
  fail("docker://{}: the registry transport is not built yet", ref.str());
}

std::unique_ptr<ImageSink> open_registry_sink(const Reference& ref, const RegistryOptions&) {
  fail("docker://{}: the registry transport is not built yet", ref.str());
}

}  // namespace imgstrip
