// The ELF file header alone: the cheap path for scanning many files (is it ELF, which
// class, machine and type) without parsing anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imgstrip {

enum class ElfClass : uint8_t { Elf32 = 1, Elf64 = 2 };
enum class ElfEndian : uint8_t { Little = 1, Big = 2 };

struct ElfHeader {
  ElfClass elf_class = ElfClass::Elf64;
  ElfEndian endian = ElfEndian::Little;
  uint8_t os_abi = 0;       // EI_OSABI
  uint8_t abi_version = 0;  // EI_ABIVERSION
  uint16_t type = 0;        // ET_EXEC, ET_DYN, ET_REL, ...
  uint16_t machine = 0;     // EM_X86_64, EM_AARCH64, ...
  uint32_t version = 0;
  uint64_t entry = 0;
  uint64_t phoff = 0;
  uint64_t shoff = 0;
  uint32_t flags = 0;
  uint16_t ehsize = 0;
  uint16_t phentsize = 0;
  uint16_t phnum = 0;
  uint16_t shentsize = 0;
  uint16_t shnum = 0;     // as written; 0 with shoff != 0 means "see section 0"
  uint16_t shstrndx = 0;  // as written; SHN_XINDEX means "see section 0"
};

// True when `bytes` starts with the ELF magic.
bool is_elf(std::string_view bytes);
// The file header of `bytes` (which may be just the first 64 bytes of a file). Throws an
// Error naming `name` when it is not ELF or the header is malformed.
ElfHeader read_elf_header(std::string_view bytes, std::string_view name);
// As read_elf_header, but nullopt instead of an Error.
std::optional<ElfHeader> try_read_elf_header(std::string_view bytes);

// "x86_64", "aarch64", ... ; "machine 1234" for the rest.
std::string machine_name(uint16_t machine);
std::string_view class_name(ElfClass c);    // "ELF32" / "ELF64"
std::string_view type_name(uint16_t type);  // "EXEC", "DYN", "REL", "CORE", "unknown"

}  // namespace imgstrip
