// Function start addresses from the unwind table index (.eh_frame_hdr), which stripped
// binaries keep: the search table lists the first address of every FDE, i.e. of every
// function compiled with unwind information.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "elf/elf_file.h"

namespace imgstrip {

// Sorted, unique. Empty when there is no usable .eh_frame_hdr (a problem is added to notes).
std::vector<uint64_t> eh_frame_function_starts(const ElfFile& elf, std::vector<std::string>& notes);

}  // namespace imgstrip
