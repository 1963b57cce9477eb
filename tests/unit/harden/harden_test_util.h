// Helpers for the harden tests: hand-built inputs and running the real policy tool chains.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harden/input.h"

namespace imgstrip::harden_test {

struct Run {
  int status = -1;     // exit status, -1 when it did not exit normally
  std::string output;  // stdout and stderr
};

inline Run run(const std::string& command) {
  Run r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
    r.output.append(buf, n);
  int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) r.status = WEXITSTATUS(status);
  return r;
}

inline bool have_tool(const std::string& name) {
  return run("command -v " + name + " >/dev/null").status == 0;
}

inline KeptPath file(std::string path, uint32_t mode = 0644, uint32_t uid = 0, uint32_t gid = 0) {
  return {std::move(path), FileType::Regular, mode, uid, gid};
}
inline KeptPath dir(std::string path, uint32_t mode = 0755, uint32_t uid = 0, uint32_t gid = 0) {
  return {std::move(path), FileType::Directory, mode, uid, gid};
}

// The csvs-web image (examples/csvs-web: nginx-light + php-fpm on Debian bookworm, port
// 80, no User) as the strip pipeline sees it: a part of its kept paths with the owners
// and modes Debian gives them, and syscalls the seccomp analysis finds in nginx and
// php-fpm8.2 (the ones the capability rules look at, plus the everyday ones).
inline HardenInput csvs_web_input() {
  HardenInput in;
  in.image = "localhost/csvs2021-web_i:latest";
  in.exposed_ports = {"80/tcp"};
  in.user = "";
  in.syscalls = std::set<std::string>{
      "accept4",   "bind",       "brk",       "chmod",      "chown",        "chroot",     "clone",
      "close",     "connect",    "epoll_ctl", "epoll_wait", "execve",       "exit_group", "fchown",
      "fstat",     "getpid",     "ioctl",     "kill",       "listen",       "mkdir",      "mmap",
      "openat",    "prlimit64",  "read",      "recvfrom",   "rt_sigaction", "sendfile",   "setgid",
      "setgroups", "setsockopt", "setuid",    "socket",     "socketpair",   "tgkill",     "unlink",
      "write",     "writev"};
  in.kept = {
      dir("etc"),
      file("etc/group"),
      dir("etc/nginx"),
      file("etc/nginx/mime.types"),
      file("etc/nginx/nginx.conf"),
      file("etc/nginx/site.template"),
      file("etc/passwd"),
      dir("etc/php/8.2/fpm"),
      file("etc/php/8.2/fpm/php-fpm.conf"),
      file("etc/php/8.2/fpm/php.ini"),
      file("docker-entrypoint.sh", 0755),
      dir("run"),
      dir("tmp", 01777),
      file("usr/bin/dash", 0755),
      file("usr/lib/x86_64-linux-gnu/libc.so.6", 0755),
      file("usr/lib/x86_64-linux-gnu/libpcre2-8.so.0"),
      file("usr/lib/x86_64-linux-gnu/libssl.so.3"),
      file("usr/sbin/nginx", 0755),
      file("usr/sbin/php-fpm8.2", 0755),
      dir("var/lib/nginx"),
      dir("var/lib/nginx/body", 0700, 33, 0),
      dir("var/lib/nginx/fastcgi", 0700, 33, 0),
      dir("var/lib/php"),
      dir("var/lib/php/sessions", 01733),
      dir("var/log/nginx", 0755, 0, 4),
      dir("var/www/html"),
      file("var/www/html/index.php"),
  };
  return in;
}

}  // namespace imgstrip::harden_test
