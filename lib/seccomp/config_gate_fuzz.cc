// libFuzzer target: any text must give an answer from the setting readers of the
// configuration gates (php-fpm, nginx, the MariaDB/MySQL server's options, Kerberos' keyring
// ccache, the options scripts pass to mkdir and sed, in text and in ELF strings), never a
// crash or a read past the input.
// scripts/fuzz.sh builds and runs it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "seccomp/command_options.h"
#include "seccomp/config_gate.h"
#include "seccomp/krb5_ccache.h"
#include "seccomp/mysql_options.h"

namespace {
void check(const std::optional<imgstrip::ConfigLine>& line, size_t size) {
  if (line && (line->line == 0 || line->text.size() > size)) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(imgstrip::fpm_slowlog_on(text), size);
  check(imgstrip::fpm_process_priority_on(text), size);
  check(imgstrip::fpm_chroot_on(text), size);
  check(imgstrip::nginx_worker_priority_on(text), size);
  check(imgstrip::mysql_chroot_on(text), size);
  check(imgstrip::mysql_option_on(text, "x", 1), size);
  check(imgstrip::krb5_keyring_on(text), size);
  check(imgstrip::nginx_read_ahead_on(text), size);
  check(imgstrip::fpm_listen_acl_on(text), size);
  check(imgstrip::mkdir_mode_on(text), size);
  check(imgstrip::mkdir_context_on(text), size);
  check(imgstrip::sed_in_place_on(text), size);
  for (bool c_strings : {false, true}) {
    auto used = imgstrip::command_option_used(text, imgstrip::kSedInPlace, c_strings);
    if (used && used->text.size() > 200) __builtin_trap();
  }
  (void)imgstrip::mkdir_mode_in_object(text, false);
  (void)imgstrip::krb5_keyring_in_object(text, true);
  (void)imgstrip::krb5_keyring_in_object(text, false);
  return 0;
}
