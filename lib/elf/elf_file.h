// An ELF object parsed from bytes in memory, treating the bytes as hostile: every read is
// bounds-checked against the buffer. A broken file header or program header table is an
// Error naming the file; a broken section, symbol table, relocation table or dynamic
// section is skipped and described in notes(), so the rest of the object stays usable.
//
// The dynamic section is read through PT_DYNAMIC and the string table through DT_STRTAB
// (as the dynamic loader does), so it works on objects without section headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "elf/elf_header.h"

namespace imgstrip {

struct ElfSegment {
  uint32_t type = 0;   // PT_LOAD, PT_DYNAMIC, ...
  uint32_t flags = 0;  // PF_R | PF_W | PF_X
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t paddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
  uint64_t align = 0;
  bool executable() const;
};

struct ElfSection {
  std::string name;
  uint32_t type = 0;   // SHT_PROGBITS, SHT_NOBITS, ...
  uint64_t flags = 0;  // SHF_ALLOC | SHF_EXECINSTR | ...
  uint64_t addr = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint32_t info = 0;
  uint64_t entsize = 0;
  bool executable() const;      // SHF_EXECINSTR
  bool has_file_bytes() const;  // not SHT_NOBITS and inside the file
};

enum class SymbolTable : uint8_t { Dynamic, Static };  // .dynsym, .symtab

struct ElfSymbol {
  std::string name;
  uint64_t value = 0;
  uint64_t size = 0;
  uint8_t type = 0;        // STT_FUNC, STT_OBJECT, ...
  uint8_t binding = 0;     // STB_GLOBAL, STB_WEAK, STB_LOCAL
  uint8_t visibility = 0;  // STV_DEFAULT, ...
  uint16_t section = 0;    // st_shndx; SHN_UNDEF when undefined
  bool defined() const;
};

// What a dynamic relocation fills in, independent of the machine's numbering.
enum class RelocKind : uint8_t {
  JumpSlot,  // a PLT slot: calls to `symbol` go through the word at `offset`
  GlobDat,   // a GOT entry holding the address of `symbol`
  Relative,  // base + addend, no symbol
  Other,
};

struct ElfRelocation {
  uint64_t offset = 0;  // the virtual address that is written
  uint32_t type = 0;    // the machine's R_* number
  RelocKind kind = RelocKind::Other;
  uint32_t symbol_index = 0;
  std::string symbol;  // name from the linked symbol table; empty when none
  int64_t addend = 0;  // RELA addend; for REL, 0
  bool has_addend = false;
};

struct ElfDynamic {
  bool present = false;             // PT_DYNAMIC exists
  std::vector<std::string> needed;  // DT_NEEDED, in order
  std::optional<std::string> soname;
  std::optional<std::string> rpath;    // DT_RPATH, colon-separated, tokens unexpanded
  std::optional<std::string> runpath;  // DT_RUNPATH
  uint64_t flags = 0;                  // DT_FLAGS (DF_ORIGIN, DF_BIND_NOW, ...)
  uint64_t flags_1 = 0;                // DT_FLAGS_1 (DF_1_NODEFLIB, DF_1_PIE, ...)
  bool textrel = false;                // DT_TEXTREL or DF_TEXTREL: code has relocations
  std::optional<uint64_t> init, fini;  // DT_INIT, DT_FINI
  std::optional<uint64_t> init_array, fini_array, preinit_array;              // addresses
  uint64_t init_array_size = 0, fini_array_size = 0, preinit_array_size = 0;  // bytes
  bool nodeflib() const;
  bool pie_flag() const;  // DF_1_PIE
};

// How the object is linked, as far as running it is concerned.
enum class ElfLinkage : uint8_t {
  Relocatable,        // ET_REL
  StaticExecutable,   // ET_EXEC without PT_INTERP or DT_NEEDED
  StaticPie,          // ET_DYN, DF_1_PIE, no PT_INTERP
  DynamicExecutable,  // has PT_INTERP (or ET_EXEC with DT_NEEDED)
  SharedObject,       // ET_DYN library (may also have PT_INTERP, like libc.so.6)
  Other,              // ET_CORE and the rest
};

std::string_view linkage_name(ElfLinkage l);

// What to parse beyond the headers. The loader search only needs the dynamic section.
struct ElfParseOptions {
  bool sections = true;     // section headers and their names
  bool symbols = true;      // .dynsym and .symtab (needs sections)
  bool relocations = true;  // SHT_REL/SHT_RELA sections of allocated memory (needs sections)
};

class ElfFile {
 public:
  // Parses `bytes`; `name` (a path) appears in every error and note. Throws Error when the
  // file header or program headers are unusable.
  static ElfFile parse(std::string bytes, std::string name, ElfParseOptions options = {});

  const std::string& name() const { return name_; }
  const ElfHeader& header() const { return header_; }
  ElfClass elf_class() const { return header_.elf_class; }
  ElfEndian endian() const { return header_.endian; }
  uint16_t machine() const { return header_.machine; }
  uint16_t type() const { return header_.type; }
  uint64_t entry() const { return header_.entry; }
  ElfLinkage linkage() const;
  bool is_static() const;  // runs without a dynamic loader (static or static-pie)

  const std::optional<std::string>& interpreter() const { return interp_; }  // PT_INTERP
  const ElfDynamic& dynamic() const { return dynamic_; }
  const std::vector<ElfSegment>& segments() const { return segments_; }
  const std::vector<ElfSection>& sections() const { return sections_; }
  const ElfSection* section(std::string_view name) const;
  std::vector<const ElfSection*> executable_sections() const;
  const std::vector<ElfSymbol>& symbols(SymbolTable table) const;
  // JUMP_SLOT, GLOB_DAT, RELATIVE and other dynamic relocations, in file order.
  const std::vector<ElfRelocation>& relocations() const { return relocations_; }
  // The symbol whose PLT slot or GOT entry is at `vaddr` (JUMP_SLOT/GLOB_DAT); nullptr if none.
  const ElfRelocation* symbol_slot_at(uint64_t vaddr) const;

  // Function addresses in DT_INIT_ARRAY / DT_FINI_ARRAY / DT_PREINIT_ARRAY, with RELATIVE
  // relocation addends applied where the file holds zeros (PIE and shared objects).
  std::vector<uint64_t> init_functions() const;  // DT_PREINIT_ARRAY, DT_INIT, DT_INIT_ARRAY
  std::vector<uint64_t> fini_functions() const;  // DT_FINI_ARRAY, DT_FINI

  // The file bytes mapped at [vaddr, vaddr + size), from a single PT_LOAD segment's file
  // part; nullopt when any of it is not backed by the file.
  std::optional<std::string_view> bytes_at(uint64_t vaddr, uint64_t size) const;
  // A section's bytes; nullopt for SHT_NOBITS or a section outside the file.
  std::optional<std::string_view> section_bytes(const ElfSection& s) const;
  // The file offset of a virtual address in a PT_LOAD segment's file part.
  std::optional<uint64_t> vaddr_to_offset(uint64_t vaddr) const;
  std::string_view bytes() const { return bytes_; }

  // Problems that were skipped over, each naming the file.
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  ElfFile() = default;
  std::vector<uint64_t> read_array(std::optional<uint64_t> addr, uint64_t size) const;

  std::string name_;
  std::string bytes_;
  ElfHeader header_;
  std::optional<std::string> interp_;
  ElfDynamic dynamic_;
  std::vector<ElfSegment> segments_;
  std::vector<ElfSection> sections_;
  std::vector<ElfSymbol> dynsym_;
  std::vector<ElfSymbol> symtab_;
  std::vector<ElfRelocation> relocations_;
  std::vector<std::pair<uint64_t, size_t>> slot_index_;  // offset -> JUMP_SLOT/GLOB_DAT
  std::vector<std::string> notes_;

  friend class ElfParser;
};

}  // namespace imgstrip
