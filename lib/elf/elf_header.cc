#include "elf/elf_header.h"

#include <elf.h>

#include "core/error.h"
#include "elf/byte_reader.h"

namespace imgstrip {
namespace {

// Why `bytes` is not a usable ELF header; empty when it is.
std::string header_problem(std::string_view bytes, ElfHeader& h) {
  if (!is_elf(bytes)) return "not an ELF file (no \\x7fELF magic)";
  if (bytes.size() < EI_NIDENT) return "truncated ELF identification";
  auto cls = static_cast<unsigned char>(bytes[EI_CLASS]);
  auto data = static_cast<unsigned char>(bytes[EI_DATA]);
  if (cls != ELFCLASS32 && cls != ELFCLASS64) return fmt::format("invalid ELF class {}", cls);
  if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
    return fmt::format("invalid ELF data encoding {}", data);
  }
  h.elf_class = static_cast<ElfClass>(cls);
  h.endian = static_cast<ElfEndian>(data);
  h.os_abi = static_cast<unsigned char>(bytes[EI_OSABI]);
  h.abi_version = static_cast<unsigned char>(bytes[EI_ABIVERSION]);
  size_t need = h.elf_class == ElfClass::Elf64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  if (bytes.size() < need) {
    return fmt::format("truncated ELF header ({} of {} bytes)", bytes.size(), need);
  }
  elf_detail::ByteReader r(bytes, h.elf_class, h.endian);
  auto c = r.at(EI_NIDENT);
  h.type = c.u16();
  h.machine = c.u16();
  h.version = c.u32();
  h.entry = c.word();
  h.phoff = c.word();
  h.shoff = c.word();
  h.flags = c.u32();
  h.ehsize = c.u16();
  h.phentsize = c.u16();
  h.phnum = c.u16();
  h.shentsize = c.u16();
  h.shnum = c.u16();
  h.shstrndx = c.u16();
  if (!c.ok()) return "truncated ELF header";
  return {};
}

}  // namespace

bool is_elf(std::string_view bytes) {
  return bytes.substr(0, SELFMAG) == ELFMAG;
}

ElfHeader read_elf_header(std::string_view bytes, std::string_view name) {
  ElfHeader h;
  std::string problem = header_problem(bytes, h);
  if (!problem.empty()) fail("{}: {}", name, problem);
  return h;
}

std::optional<ElfHeader> try_read_elf_header(std::string_view bytes) {
  ElfHeader h;
  if (!header_problem(bytes, h).empty()) return std::nullopt;
  return h;
}

std::string machine_name(uint16_t machine) {
  switch (machine) {
    case EM_386:
      return "i386";
    case EM_X86_64:
      return "x86_64";
    case EM_AARCH64:
      return "aarch64";
    case EM_ARM:
      return "arm";
    case EM_PPC:
      return "ppc";
    case EM_PPC64:
      return "ppc64";
    case EM_S390:
      return "s390";
    case EM_RISCV:
      return "riscv";
    case EM_MIPS:
      return "mips";
    case EM_LOONGARCH:
      return "loongarch";
    case EM_SPARCV9:
      return "sparc64";
    case EM_IA_64:
      return "ia64";
    default:
      return fmt::format("machine {}", machine);
  }
}

std::string_view class_name(ElfClass c) {
  return c == ElfClass::Elf64 ? "ELF64" : "ELF32";
}

std::string_view type_name(uint16_t type) {
  switch (type) {
    case ET_REL:
      return "REL";
    case ET_EXEC:
      return "EXEC";
    case ET_DYN:
      return "DYN";
    case ET_CORE:
      return "CORE";
    default:
      return "unknown";
  }
}

}  // namespace imgstrip
