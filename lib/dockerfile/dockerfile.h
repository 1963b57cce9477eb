// The metadata instructions of a Dockerfile (CMD, ENTRYPOINT, ENV, EXPOSE, USER, WORKDIR,
// LABEL, VOLUME, STOPSIGNAL, HEALTHCHECK), applied to an image config as
// strip-docker-image's -d does. Build instructions (FROM, RUN, COPY, ...) are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oci/config.h"

namespace imgstrip {

struct Instruction {
  std::string keyword;  // upper case: "CMD"
  std::string args;     // the rest of the logical line, continuation lines joined
  int line = 0;         // where it starts, for messages
};

// Splits a Dockerfile into logical instructions (comments, blank lines, `\` continuations
// and the `# escape=` directive handled). `name` is used in error messages.
std::vector<Instruction> parse_dockerfile(std::string_view text, std::string_view name);

// Applies the metadata instructions to `config`; throws Error naming file and line for
// malformed ones. Returns the keywords that were applied, in order.
std::vector<std::string> apply_dockerfile(const std::vector<Instruction>& instructions,
                                          ImageConfig& config, std::string_view name);

}  // namespace imgstrip
