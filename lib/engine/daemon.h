// The docker-daemon: and containers-storage: transports: an image in a local engine,
// read with `GET /images/NAME/get` (a docker-archive, spooled to a temporary file and read
// by the docker-archive reader) and written with `POST /images/load` (the combined
// archive, built in a temporary file). containers-storage: is podman's storage, reached
// through its Docker-compatible service.
#pragma once

#include <memory>
#include <string>

#include "engine/client.h"
#include "image/sink.h"
#include "image/source.h"
#include "oci/reference.h"

namespace imgstrip {

// `name` as the user wrote it (the engine resolves short names itself). Throws Error,
// naming the socket and the image, when the engine does not have it.
std::unique_ptr<ImageSource> open_daemon_source(std::unique_ptr<EngineClient> client,
                                                const std::string& name);
// The image is tagged `name` only when the engine has loaded all of it: nothing before
// commit(), and nothing when the engine refuses the archive. commit() returns the image ID.
// A name without a registry host is docker's short form ("web:1" is docker.io/library/
// web:1) for Docker, and localhost/web:1 for podman, as `podman tag` names it.
std::unique_ptr<ImageSink> open_daemon_sink(std::unique_ptr<EngineClient> client,
                                            const std::string& name);

}  // namespace imgstrip
