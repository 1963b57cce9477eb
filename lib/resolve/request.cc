#include "resolve/request.h"

#include "core/error.h"

namespace imgstrip {

DepsMode parse_deps_mode(std::string_view text) {
  if (text == "auto") return DepsMode::Auto;
  if (text == "none") return DepsMode::None;
  if (text == "all") return DepsMode::All;
  usage_fail("--deps must be auto, none or all, not \"{}\"", text);
}

std::string_view deps_mode_name(DepsMode mode) {
  switch (mode) {
    case DepsMode::Auto:
      return "auto";
    case DepsMode::None:
      return "none";
    case DepsMode::All:
      return "all";
  }
  return "auto";
}

}  // namespace imgstrip
