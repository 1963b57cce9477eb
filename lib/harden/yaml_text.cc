#include "harden/yaml_text.h"

#include <nlohmann/json.hpp>

namespace imgstrip {

std::string yaml_quote(std::string_view text) {
  // Invalid UTF-8 is replaced rather than thrown on: the file stays well-formed.
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace imgstrip
