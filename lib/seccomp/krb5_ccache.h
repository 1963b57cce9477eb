// Whether MIT Kerberos can use a kernel-keyring credential cache (cc_keyring.c, the only
// user of libkeyutils in libkrb5: add_key, keyctl_*). It does for a ccache named
// "KEYRING:..." (KRB5CCNAME, default_ccache_name in krb5.conf, a program's own name or its
// krb5_cc_new_unique(ctx, "KEYRING", ...)), and for a library built with a KEYRING default
// name. A collection cursor over all types opens no keyring unless the default name is one.
#pragma once

#include <optional>
#include <string_view>

#include "seccomp/config_gate.h"

namespace imgstrip {

// A text (configuration, a script, the image's command line and Env) outside comment lines
// (# and ;) with a KEYRING ccache name ("KEYRING:...", not inside a longer name).
std::optional<ConfigLine> krb5_keyring_on(std::string_view text);

// A kept ELF object with a string that is a KEYRING ccache name or the type's name alone
// (krb5_cc_new_unique); libkrb5 itself holds "KEYRING:" and "KEYRING" to parse and build
// names, so for `gated` only a longer name counts: a compiled-in default such as
// "KEYRING:persistent:%{uid}".
bool krb5_keyring_in_object(std::string_view bytes, bool gated);

}  // namespace imgstrip
