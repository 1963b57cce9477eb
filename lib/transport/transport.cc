#include "transport/transport.h"

#include "archive/archive.h"
#include "core/error.h"
#include "layout/layout.h"
#include "registry/registry.h"

namespace imgstrip {

Location Location::parse(std::string_view spec) {
  Location loc;
  auto strip = [&](std::string_view prefix) {
    if (!spec.starts_with(prefix)) return false;
    spec.remove_prefix(prefix.size());
    return true;
  };
  if (strip("docker://")) {
    loc.kind = Kind::Registry;
    loc.reference = Reference::parse(spec);
    return loc;
  }
  if (strip("oci:")) {
    loc.kind = Kind::OciLayout;
    auto colon = spec.find(':');
    loc.path = std::string(spec.substr(0, colon));
    if (colon != std::string_view::npos) {
      loc.tag = std::string(spec.substr(colon + 1));
      if (loc.tag.empty()) usage_fail("oci:{}: empty tag after ':'", loc.path);
    }
    if (loc.path.empty()) usage_fail("oci: needs a directory, as oci:DIR[:TAG]");
    return loc;
  }
  if (strip("docker-archive:")) {
    loc.kind = Kind::DockerArchive;
    auto colon = spec.find(':');
    loc.path = std::string(spec.substr(0, colon));
    if (colon != std::string_view::npos) loc.reference = Reference::parse(spec.substr(colon + 1));
    if (loc.path.empty()) usage_fail("docker-archive: needs a file, as docker-archive:FILE[:REF]");
    return loc;
  }
  for (std::string_view unsupported :
       {"docker-daemon:", "containers-storage:", "oci-archive:", "dir:", "ostree:", "sif:"}) {
    if (spec.starts_with(unsupported)) {
      usage_fail("transport \"{}\" is not supported (use docker://, oci: or docker-archive:)",
                 unsupported);
    }
  }
  loc.kind = Kind::Registry;
  loc.reference = Reference::parse(spec);
  return loc;
}

std::string Location::str() const {
  switch (kind) {
    case Kind::Registry:
      return "docker://" + reference->str();
    case Kind::OciLayout:
      return "oci:" + path + (tag.empty() ? "" : ":" + tag);
    case Kind::DockerArchive:
      return "docker-archive:" + path + (reference ? ":" + reference->str() : "");
  }
  return {};
}

std::unique_ptr<ImageSource> open_source(const Location& where, const RegistryOptions& options) {
  switch (where.kind) {
    case Location::Kind::Registry:
      return open_registry_source(*where.reference, options);
    case Location::Kind::OciLayout:
      return open_layout_source(where.path, where.tag);
    case Location::Kind::DockerArchive:
      return open_archive_source(where.path, where.reference);
  }
  fail("unknown transport");
}

std::unique_ptr<ImageSink> open_sink(const Location& where, const RegistryOptions& options) {
  switch (where.kind) {
    case Location::Kind::Registry:
      return open_registry_sink(*where.reference, options);
    case Location::Kind::OciLayout:
      return open_layout_sink(where.path, where.tag);
    case Location::Kind::DockerArchive:
      return open_archive_sink(where.path, where.reference);
  }
  fail("unknown transport");
}

}  // namespace imgstrip
