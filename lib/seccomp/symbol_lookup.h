// Calls that look a symbol up by name at run time: dlsym and its kin in libc and in the
// loader libraries programs use (libuv, GLib, libltdl, APR, NSPR). The function a lookup
// returns is called through a pointer, so the call graph must reach whatever export the
// name can be; the name is traced back like a syscall number, and constant names are read
// from the object (a NUL-terminated string in a loaded segment).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "elf/elf_file.h"

namespace imgstrip {

// Which argument (0-based) of `function` is the symbol name; nullopt when `function` is not
// a known lookup function. Versioned names ("dlsym@GLIBC_2.34") are not expected here.
std::optional<int> lookup_name_argument(std::string_view function);

// The NUL-terminated string at `vaddr` in a loaded segment of `elf`, at most `max` bytes
// before the NUL; nullopt when there is none (out of the file, unterminated, or empty).
std::optional<std::string> c_string_at(const ElfFile& elf, uint64_t vaddr, size_t max = 1024);

}  // namespace imgstrip
