// Image-controlled text (paths, names, reasons that quote them) going into policy files
// or onto a terminal: a newline in a file name must not end a comment and start a rule.
#pragma once

#include <string>
#include <string_view>

namespace imgstrip {

// `text` with every control character (below 0x20, and 0x7f) replaced by '?', so it stays
// on one line of a comment or a README.
std::string one_line(std::string_view text);

// Whether `text` has a control character.
bool has_control(std::string_view text);

}  // namespace imgstrip
