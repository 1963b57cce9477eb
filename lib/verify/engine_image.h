// An image as the engine names it. Images the engine already has (containers-storage: for
// podman, docker-daemon: for docker, a bare name it knows) are used as they are; any other
// transport imgstrip reads is copied into a docker-archive and loaded (`engine load`) under
// a temporary name that is removed again afterwards.
#pragma once

#include <string>

#include "oci/platform.h"
#include "registry/options.h"
#include "verify/container.h"

namespace imgstrip::verify {

class EngineImage {
 public:
  // `temp_name` ("localhost/imgstrip-verify-123-original:latest") is what a loaded copy is
  // called. Throws UsageError for a malformed name, Error when it cannot be read or loaded.
  EngineImage(const Engine& engine, const std::string& spec, const std::string& temp_name,
              const RegistryOptions& registry, const Platform& platform);
  ~EngineImage();
  EngineImage(const EngineImage&) = delete;
  EngineImage& operator=(const EngineImage&) = delete;

  const std::string& ref() const { return ref_; }
  bool loaded() const { return loaded_; }

 private:
  Engine engine_;
  std::string ref_;
  bool loaded_ = false;
};

}  // namespace imgstrip::verify
