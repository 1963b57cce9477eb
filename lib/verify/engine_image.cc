#include "verify/engine_image.h"

#include "core/tempdir.h"
#include "image/copy.h"
#include "transport/transport.h"
#include "verify/stop.h"

namespace imgstrip::verify {

EngineImage::EngineImage(const Engine& engine, const std::string& spec,
                         const std::string& temp_name, const RegistryOptions& registry,
                         const Platform& platform)
    : engine_(engine) {
  Location where = Location::parse(spec);
  if ((where.kind == Location::Kind::ContainersStorage && engine.kind == EngineKind::Podman) ||
      (where.kind == Location::Kind::DockerDaemon && engine.kind == EngineKind::Docker)) {
    ref_ = where.name;
    if (!image_present(engine, ref_)) fail("{} has no image {}", engine.program, ref_);
    return;
  }
  if (where.bare) {
    if (image_present(engine, spec)) {
      ref_ = spec;
      return;
    }
    // Docker's rule, as everywhere in imgstrip: the local engine's image, else the registry's.
    auto local = local_engine();
    where = resolve_source(where, *local);
  }
  TempDir work("imgstrip-verify");
  std::string archive = (work.path() / "image.tar").string();
  auto source = open_source(where, registry);
  auto sink = open_sink(Location::parse("docker-archive:" + archive + ":" + temp_name), registry);
  copy_image(*source, *sink, platform);
  check_stop();
  load_image_archive(engine, archive);
  ref_ = temp_name;
  loaded_ = true;
}

EngineImage::~EngineImage() {
  if (loaded_) remove_image(engine_, ref_);
}

}  // namespace imgstrip::verify
