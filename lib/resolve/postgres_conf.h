// PostgreSQL's configuration syntax (postgresql.conf, postgresql.auto.conf, the sample
// initdb copies), read for the settings that decide whether an optional part of the
// server is used. Lines are `name = value` or `name value`; `#` starts a comment outside
// quotes; a value is a bare word or a single-quoted string ('' is a quote). Names are
// case-insensitive. Lines that are not settings (include directives count as settings
// named include...) are skipped, never an error: the server is the judge of its own file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

struct PostgresSetting {
  std::string name;   // lower case
  std::string value;  // unquoted
  size_t line = 0;    // 1-based
};

// The settings of a configuration text, in order (a later one overrides an earlier one).
std::vector<PostgresSetting> postgres_settings(std::string_view text);

// A boolean as the server reads one (on, off, true, false, yes, no, 1, 0 and unambiguous
// prefixes, any case); nullopt when the value is not a boolean.
std::optional<bool> postgres_bool(std::string_view value);

// Where a free text (a shell script, a command line, an environment value) sets `name`:
// `name=value`, `name = value`, `-c name=value`, `--name=value`, quoted or not. The value
// of each occurrence, in order.
std::vector<std::string> postgres_setting_mentions(std::string_view text, std::string_view name);

}  // namespace imgstrip
