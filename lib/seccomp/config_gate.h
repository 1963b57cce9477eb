// Code a program runs only when its configuration in the image turns it on. When nothing
// kept turns it on, the program's calls into that code are not followed, and the report says
// which setting decided it, so that whoever changes the setting knows to strip again.
// The gates:
// - php-fpm's slow-log tracer attaches to a slow worker with ptrace
//   (sapi/fpm/fpm/fpm_trace_ptrace.c), only when a pool sets request_slowlog_timeout above
//   zero; a value php-fpm takes from the environment (${VAR}) counts as on.
// - php-fpm calls setpriority only for a master or pool whose configuration sets
//   process.priority (sapi/fpm/fpm/fpm_unix.c). `-y` takes the configuration from any
//   path and `include=` adds more, so every kept text file is read.
// - php-fpm calls chroot only for a pool whose configuration sets chroot to a path
//   (fpm_unix_init_child); its SAPI has no chroot() PHP function. Read like
//   process.priority.
// - nginx calls setpriority only in a worker whose configuration sets worker_priority
//   (src/os/unix/ngx_process_cycle.c). nginx reads its configuration from any path (-c) and
//   takes directives on its command line (-g), so every kept text file and the image's
//   command line are read, and any mention outside a comment counts as on.
// - The MariaDB/MySQL server calls chroot only with its chroot option (mysqld.cc, set_root),
//   which my.cnf, --defaults-file, scripts and the command line can give, abbreviated
//   (mysql_options.h): every kept text file and the command line are read.
// - libkrb5 calls libkeyutils (add_key, keyctl) only for a kernel-keyring credential cache
//   (krb5_ccache.h): every kept text file, the command line and kept ELF objects are read
//   for the KEYRING type. A container started with KRB5CCNAME=KEYRING:... needs a strip
//   that has it in the image's Env.
// - nginx calls posix_fadvise only for files its read_ahead directive applies to
//   (ngx_open_file_cache.c); read like worker_priority.
// - php-fpm calls libacl only for a pool that sets listen.acl_users or listen.acl_groups
//   (fpm_unix.c); read like process.priority.
// - GNU mkdir calls libselinux only with -Z or --context, and lchown or lchmod only after
//   creating a directory with -m or --mode (gnulib's dirchownmod); GNU sed calls libacl and
//   libselinux only when it edits in place (-i, --in-place). How the image runs them is read
//   from every kept text file, the command line and the C strings of kept ELF objects
//   (command_options.h). A container whose command adds such an option at run time needs
//   a strip that has it in the image.
// Jars and other zips are read entry by entry (nested ones too); one that cannot be read
// turns every gate that reads all files on.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fs/tree.h"

namespace imgstrip {

struct ConfigGate {
  std::string program;     // real path of the object ("usr/sbin/php-fpm8.2", a libkrb5.so)
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

// The first line of `text`, trimmed, that is not empty, does not start with one of the
// `comments` characters and that `match` accepts.
std::optional<ConfigLine> first_line(std::string_view text, std::string_view comments,
                                     const std::function<bool(std::string_view)>& match);

// The first line of a php-fpm configuration that sets process.priority, to any value (a
// number, ${VAR} from the environment, or nothing, which php-fpm refuses).
std::optional<ConfigLine> fpm_process_priority_on(std::string_view conf);

// The first line of a php-fpm configuration that sets chroot to a non-empty value.
std::optional<ConfigLine> fpm_chroot_on(std::string_view conf);

// The first line of an nginx configuration (or of a script or command line that runs nginx)
// naming the worker_priority directive, the lines starting with # left aside.
std::optional<ConfigLine> nginx_worker_priority_on(std::string_view text);

// The first line of an nginx configuration (or script, or command line) naming the
// read_ahead directive: nginx calls posix_fadvise only for it (ngx_open_file_cache.c).
std::optional<ConfigLine> nginx_read_ahead_on(std::string_view text);

// The first line of a php-fpm configuration that sets listen.acl_users or listen.acl_groups
// to a non-empty value: php-fpm calls libacl only for them (fpm_unix.c).
std::optional<ConfigLine> fpm_listen_acl_on(std::string_view conf);

// The gates of `objects` (real paths of the analysed programs and libraries), decided from
// the kept files of `tree` and from `command_line` (the image's Entrypoint, Cmd and Env
// words). php-fpm's slow log is read from kept regular files under etc/ or named *.conf, the
// others from every kept regular file that is not an ELF object (for libkrb5's, ELF objects
// too), documentation or an editor's syntax file; text files over 8 MiB are data, not
// configuration. One gate per object and import.
std::vector<ConfigGate> config_gates(const FileTree& tree, const std::set<std::string>& kept,
                                     const std::vector<std::string>& objects,
                                     const std::vector<std::string>& command_line = {});

}  // namespace imgstrip
