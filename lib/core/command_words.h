// A command line (verify --exec, strip --command) split into words as a POSIX shell would
// split a simple command (single quotes, double quotes with \" \\ \$ \` escapes, backslash
// outside quotes), without expansions. The words are run directly, so a stripped image
// needs no shell for them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

// Throws UsageError for an unterminated quote or an empty command, naming `flag`.
std::vector<std::string> command_words(std::string_view command, std::string_view flag = "--exec");

}  // namespace imgstrip
