// Transport names like skopeo's: "docker://REF" (or a bare REF) for a registry,
// "oci:DIR[:TAG]" for an OCI image layout, "docker-archive:FILE[:REF]" for a docker save
// tarball. Opening one gives the ImageSource or ImageSink behind it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "image/sink.h"
#include "image/source.h"
#include "oci/reference.h"
#include "registry/options.h"

namespace imgstrip {

struct Location {
  enum class Kind { Registry, OciLayout, DockerArchive };
  Kind kind = Kind::Registry;
  std::optional<Reference> reference;  // registry; docker-archive's optional REF
  std::string path;                    // oci / docker-archive
  std::string tag;                     // oci's optional TAG

  // Throws UsageError naming the problem ("unknown transport \"foo:\"", bad reference).
  static Location parse(std::string_view spec);
  std::string str() const;
};

std::unique_ptr<ImageSource> open_source(const Location& where, const RegistryOptions& options);
std::unique_ptr<ImageSink> open_sink(const Location& where, const RegistryOptions& options);

}  // namespace imgstrip
