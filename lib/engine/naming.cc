#include "engine/naming.h"

namespace imgstrip {

bool names_registry_host(std::string_view name) {
  auto slash = name.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view first = name.substr(0, slash);
  return first == "localhost" || first.find('.') != std::string_view::npos ||
         first.find(':') != std::string_view::npos;
}

}  // namespace imgstrip
