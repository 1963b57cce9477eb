// Scalars for the YAML files imgstrip writes: every string double-quoted as JSON quotes
// it (a JSON string is a valid YAML double-quoted scalar), so an image-controlled path or
// name can never start a new key, list item or document.
#pragma once

#include <string>
#include <string_view>

namespace imgstrip {

std::string yaml_quote(std::string_view text);

}  // namespace imgstrip
