// libFuzzer target: any bytes must parse to an ElfFile or an Error, never a crash.
// Build with -DIMGSTRIP_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ and run build/lib/elf/fuzz_elf_reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "elf/elf_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)imgstrip::is_elf(bytes);
  (void)imgstrip::try_read_elf_header(bytes);
  try {
    auto f = imgstrip::ElfFile::parse(bytes, "fuzz");
    (void)f.linkage();
    for (auto& s : f.segments())
      (void)f.bytes_at(s.vaddr, s.filesz);
    for (auto* s : f.executable_sections())
      (void)f.section_bytes(*s);
    for (auto& s : f.sections())
      (void)f.section_bytes(s);
    for (auto& r : f.relocations())
      (void)f.symbol_slot_at(r.offset);
    (void)f.init_functions();
    (void)f.fini_functions();
    (void)f.bytes_at(f.entry(), 16);
    (void)f.vaddr_to_offset(f.entry());
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
