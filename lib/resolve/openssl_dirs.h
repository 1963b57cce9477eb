// Where OpenSSL's libcrypto loads engines and providers from: the directories compiled
// into it (ENGINESDIR, MODULESDIR; Debian's /usr/lib/x86_64-linux-gnu/engines-3 and
// ossl-modules, Alpine's /usr/lib/engines-3 and ossl-modules, OpenSSL 1.1's engines-1.1),
// read from its own strings. Pure: bytes in, paths out; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imgstrip {

// The absolute directory paths among the NUL-terminated strings of `data` (a libcrypto)
// whose last component is engines-VERSION or ossl-modules; sorted, unique, at most a few.
std::vector<std::string> openssl_module_dirs(std::string_view data);

}  // namespace imgstrip
