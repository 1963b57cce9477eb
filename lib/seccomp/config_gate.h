// Code a program runs only when its configuration in the image turns it on. When no kept
// configuration file does, the program's calls into that code are not followed, and the
// report says which setting decided it, so that whoever changes the setting knows to strip
// again. One gate so far: php-fpm's slow-log tracer attaches to a slow worker with ptrace
// (sapi/fpm/fpm/fpm_trace_ptrace.c), and only when a pool sets request_slowlog_timeout
// above zero; a value php-fpm takes from the environment (${VAR}) counts as on.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"

namespace imgstrip {

struct ConfigGate {
  std::string program;     // real path of the program ("usr/sbin/php-fpm8.2")
  std::string import;      // the imported function whose calls the setting turns on
  std::string what;        // "php-fpm's slow-log tracer"
  bool enabled = false;    // the kept configuration turns it on: nothing is left out
  std::string decided_by;  // "etc/php/8.2/fpm/pool.d/www.conf:381: request_slowlog_timeout = 5s"
};

// The first line (1-based) of a php-fpm configuration text that sets
// request_slowlog_timeout to something other than zero.
struct ConfigLine {
  size_t line = 0;
  std::string text;  // the line, trimmed
};
std::optional<ConfigLine> fpm_slowlog_on(std::string_view conf);

// The gates of `programs` (real paths of kept programs), decided from the kept files of
// `tree`: every kept regular file under etc/ or named *.conf, up to 1 MiB, is read.
std::vector<ConfigGate> config_gates(const FileTree& tree, const std::set<std::string>& kept,
                                     const std::vector<std::string>& programs);

}  // namespace imgstrip
