// How docker reads a bare image name's first component: a registry host when it has a
// '.' or a ':' (a port) or is "localhost", and something else is left of a '/'. A bare
// target whose first component is not a host is a local image (`docker tag` would make it
// one); with a host it is meant for that registry.
#pragma once

#include <string_view>

namespace imgstrip {

bool names_registry_host(std::string_view name);

}  // namespace imgstrip
