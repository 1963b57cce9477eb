#include "seccomp/symbol_lookup.h"

#include <elf.h>

#include <algorithm>
#include <array>
#include <utility>

namespace imgstrip {

std::optional<int> lookup_name_argument(std::string_view function) {
  static constexpr std::array<std::pair<std::string_view, int>, 11> kLookups = {{
      {"dlsym", 1},
      {"dlvsym", 1},
      {"__libc_dlsym", 1},  // glibc's own: NSS, gconv, libgcc_s, libidn2
      {"__libc_dlvsym", 1},
      {"_dl_sym", 1},
      {"_dl_vsym", 1},
      {"uv_dlsym", 1},         // libuv (Node's addons)
      {"g_module_symbol", 1},  // GLib
      {"lt_dlsym", 1},         // libltdl
      {"PR_FindSymbol", 1},    // NSPR
      {"apr_dso_sym", 2},      // APR (Apache modules)
  }};
  for (const auto& [name, arg] : kLookups)
    if (name == function) return arg;
  return std::nullopt;
}

std::optional<std::string> c_string_at(const ElfFile& elf, uint64_t vaddr, size_t max) {
  for (const auto& seg : elf.segments()) {
    if (seg.type != PT_LOAD || vaddr < seg.vaddr || vaddr - seg.vaddr >= seg.filesz) continue;
    uint64_t room = std::min<uint64_t>(seg.filesz - (vaddr - seg.vaddr), uint64_t{max} + 1);
    auto bytes = elf.bytes_at(vaddr, room);
    if (!bytes) return std::nullopt;
    size_t nul = bytes->find('\0');
    if (nul == std::string_view::npos || nul == 0) return std::nullopt;
    return std::string(bytes->substr(0, nul));
  }
  return std::nullopt;
}

}  // namespace imgstrip
