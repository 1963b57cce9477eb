#include "elf/elf_file.h"

#include <elf.h>

#include <algorithm>
#include <map>

#include "core/error.h"
#include "elf/byte_reader.h"

namespace imgstrip {

using elf_detail::ByteReader;
using elf_detail::in_bounds;

namespace {

constexpr size_t kMaxNotes = 64;

RelocKind reloc_kind(uint16_t machine, uint32_t type) {
  struct Types {
    uint32_t jump_slot, glob_dat, relative;
  };
  constexpr uint32_t kNone = UINT32_MAX;
  Types t{kNone, kNone, kNone};
  switch (machine) {
    case EM_X86_64:
      t = {R_X86_64_JUMP_SLOT, R_X86_64_GLOB_DAT, R_X86_64_RELATIVE};
      break;
    case EM_386:
      t = {R_386_JMP_SLOT, R_386_GLOB_DAT, R_386_RELATIVE};
      break;
    case EM_AARCH64:
      t = {R_AARCH64_JUMP_SLOT, R_AARCH64_GLOB_DAT, R_AARCH64_RELATIVE};
      break;
    case EM_ARM:
      t = {R_ARM_JUMP_SLOT, R_ARM_GLOB_DAT, R_ARM_RELATIVE};
      break;
    case EM_PPC64:
      t = {R_PPC64_JMP_SLOT, R_PPC64_GLOB_DAT, R_PPC64_RELATIVE};
      break;
    case EM_PPC:
      t = {R_PPC_JMP_SLOT, R_PPC_GLOB_DAT, R_PPC_RELATIVE};
      break;
    case EM_S390:
      t = {R_390_JMP_SLOT, R_390_GLOB_DAT, R_390_RELATIVE};
      break;
    case EM_RISCV:
      t = {R_RISCV_JUMP_SLOT, kNone, R_RISCV_RELATIVE};
      break;
    case EM_LOONGARCH:
      t = {R_LARCH_JUMP_SLOT, kNone, R_LARCH_RELATIVE};
      break;
    default:
      break;
  }
  if (type == t.jump_slot) return RelocKind::JumpSlot;
  if (type == t.glob_dat) return RelocKind::GlobDat;
  if (type == t.relative) return RelocKind::Relative;
  return RelocKind::Other;
}

}  // namespace

bool ElfSegment::executable() const {
  return (flags & PF_X) != 0;
}
bool ElfSection::executable() const {
  return (flags & SHF_EXECINSTR) != 0;
}
bool ElfSection::has_file_bytes() const {
  return type != SHT_NOBITS && type != SHT_NULL;
}
bool ElfSymbol::defined() const {
  return section != SHN_UNDEF;
}
bool ElfDynamic::nodeflib() const {
  return (flags_1 & DF_1_NODEFLIB) != 0;
}
bool ElfDynamic::pie_flag() const {
  return (flags_1 & DF_1_PIE) != 0;
}

std::string_view linkage_name(ElfLinkage l) {
  switch (l) {
    case ElfLinkage::Relocatable:
      return "relocatable";
    case ElfLinkage::StaticExecutable:
      return "static executable";
    case ElfLinkage::StaticPie:
      return "static-pie executable";
    case ElfLinkage::DynamicExecutable:
      return "dynamic executable";
    case ElfLinkage::SharedObject:
      return "shared object";
    case ElfLinkage::Other:
      return "other";
  }
  return "other";
}

// Decodes one file into an ElfFile. Fatal problems throw; the rest become notes.
class ElfParser {
 public:
  ElfParser(ElfFile& f, ElfParseOptions options)
      : f_(f), r_(f.bytes_, f.header_.elf_class, f.header_.endian), options_(options) {}

  void run() {
    read_segments();
    read_interp();
    read_dynamic();
    if (options_.sections) read_sections();
    if (options_.sections && options_.symbols) read_symbols();
    if (options_.sections && options_.relocations) read_relocations();
  }

 private:
  template <typename... Args>
  void note(fmt::format_string<Args...> format, Args&&... args) {
    if (f_.notes_.size() < kMaxNotes) {
      f_.notes_.push_back(f_.name_ + ": " + fmt::format(format, std::forward<Args>(args)...));
    } else if (f_.notes_.size() == kMaxNotes) {
      f_.notes_.push_back(f_.name_ + ": further problems not listed");
    }
  }

  uint64_t file_size() const { return f_.bytes_.size(); }

  // A NUL-terminated string at `off` inside [base, base + size) of the file.
  std::optional<std::string> string_in(uint64_t base, uint64_t size, uint64_t off) const {
    if (!in_bounds(base, size, file_size()) || off >= size) return std::nullopt;
    std::string_view table(f_.bytes_.data() + base, size);
    size_t end = table.find('\0', off);
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(table.substr(off, end - off));
  }

  void read_segments() {
    const ElfHeader& h = f_.header_;
    if (h.phnum == 0) return;
    size_t want = r_.wide() ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (h.phentsize < want) {
      fail("{}: program header entry size {} is smaller than {}", f_.name_, h.phentsize, want);
    }
    if (!in_bounds(h.phoff, uint64_t{h.phnum} * h.phentsize, file_size())) {
      fail(
          "{}: program header table (offset {:#x}, {} entries of {} bytes) lies outside the "
          "file of {} bytes",
          f_.name_, h.phoff, h.phnum, h.phentsize, file_size());
    }
    for (uint64_t i = 0; i < h.phnum; ++i) {
      auto c = r_.at(h.phoff + i * h.phentsize);
      ElfSegment s;
      s.type = c.u32();
      if (r_.wide()) {
        s.flags = c.u32();
        s.offset = c.u64();
        s.vaddr = c.u64();
        s.paddr = c.u64();
        s.filesz = c.u64();
        s.memsz = c.u64();
        s.align = c.u64();
      } else {
        s.offset = c.u32();
        s.vaddr = c.u32();
        s.paddr = c.u32();
        s.filesz = c.u32();
        s.memsz = c.u32();
        s.flags = c.u32();
        s.align = c.u32();
      }
      f_.segments_.push_back(s);
    }
  }

  const ElfSegment* first_segment(uint32_t type) {
    const ElfSegment* found = nullptr;
    for (auto& s : f_.segments_) {
      if (s.type != type) continue;
      if (found) {
        note("more than one segment of type {:#x}; using the first", type);
        break;
      }
      found = &s;
    }
    return found;
  }

  void read_interp() {
    const ElfSegment* s = first_segment(PT_INTERP);
    if (!s) return;
    if (!in_bounds(s->offset, s->filesz, file_size())) {
      note("PT_INTERP (offset {:#x}, size {}) lies outside the file", s->offset, s->filesz);
      return;
    }
    std::string_view text(f_.bytes_.data() + s->offset, s->filesz);
    size_t nul = text.find('\0');
    if (nul == std::string_view::npos) {
      note("PT_INTERP is not NUL-terminated");
    } else {
      text = text.substr(0, nul);
    }
    if (text.empty()) {
      note("PT_INTERP is empty");
      return;
    }
    f_.interp_ = std::string(text);
  }

  void read_dynamic() {
    const ElfSegment* s = first_segment(PT_DYNAMIC);
    if (!s) return;
    ElfDynamic& d = f_.dynamic_;
    d.present = true;
    if (!in_bounds(s->offset, s->filesz, file_size())) {
      note("PT_DYNAMIC (offset {:#x}, size {}) lies outside the file", s->offset, s->filesz);
      return;
    }
    size_t ent = 2 * r_.word_size();
    std::vector<std::pair<int64_t, uint64_t>> entries;
    bool terminated = false;
    for (uint64_t off = 0; off + ent <= s->filesz; off += ent) {
      auto c = r_.at(s->offset + off);
      uint64_t tag = c.word();
      uint64_t val = c.word();
      int64_t stag =
          r_.wide() ? static_cast<int64_t>(tag) : static_cast<int64_t>(static_cast<int32_t>(tag));
      if (stag == DT_NULL) {
        terminated = true;
        break;
      }
      entries.emplace_back(stag, val);
    }
    if (!terminated) note("dynamic section has no DT_NULL terminator");

    std::optional<uint64_t> strtab, strsz;
    for (auto& [tag, val] : entries) {
      if (tag == DT_STRTAB) strtab = val;
      if (tag == DT_STRSZ) strsz = val;
    }
    // The string table's place in the file, found as the loader finds it.
    std::optional<std::pair<uint64_t, uint64_t>> table;  // offset, size
    if (strtab) {
      for (auto& seg : f_.segments_) {
        if (seg.type != PT_LOAD || *strtab < seg.vaddr || *strtab - seg.vaddr >= seg.filesz) {
          continue;
        }
        uint64_t off = seg.offset + (*strtab - seg.vaddr);
        uint64_t avail = seg.filesz - (*strtab - seg.vaddr);
        if (strsz && *strsz < avail) avail = *strsz;
        if (off < seg.offset || !in_bounds(off, 0, file_size())) break;
        avail = std::min(avail, file_size() - off);
        table = std::make_pair(off, avail);
        break;
      }
      if (!table) note("DT_STRTAB {:#x} is not inside a loaded segment", *strtab);
    }
    auto str = [&](const char* what, uint64_t val) -> std::optional<std::string> {
      if (!table) {
        note("{} without a usable string table", what);
        return std::nullopt;
      }
      auto s = string_in(table->first, table->second, val);
      if (!s) note("{} string offset {:#x} is outside the string table", what, val);
      return s;
    };
    for (auto& [tag, val] : entries) {
      switch (tag) {
        case DT_NEEDED:
          if (auto s = str("DT_NEEDED", val)) d.needed.push_back(*s);
          break;
        case DT_SONAME:
          d.soname = str("DT_SONAME", val);
          break;
        case DT_RPATH:
          d.rpath = str("DT_RPATH", val);
          break;
        case DT_RUNPATH:
          d.runpath = str("DT_RUNPATH", val);
          break;
        case DT_FLAGS:
          d.flags = val;
          if (val & DF_TEXTREL) d.textrel = true;
          break;
        case DT_TEXTREL:
          d.textrel = true;
          break;
        case DT_FLAGS_1:
          d.flags_1 = val;
          break;
        case DT_INIT:
          d.init = val;
          break;
        case DT_FINI:
          d.fini = val;
          break;
        case DT_INIT_ARRAY:
          d.init_array = val;
          break;
        case DT_INIT_ARRAYSZ:
          d.init_array_size = val;
          break;
        case DT_FINI_ARRAY:
          d.fini_array = val;
          break;
        case DT_FINI_ARRAYSZ:
          d.fini_array_size = val;
          break;
        case DT_PREINIT_ARRAY:
          d.preinit_array = val;
          break;
        case DT_PREINIT_ARRAYSZ:
          d.preinit_array_size = val;
          break;
        default:
          break;
      }
    }
  }

  void read_sections() {
    const ElfHeader& h = f_.header_;
    if (h.shoff == 0) return;
    size_t want = r_.wide() ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    if (h.shentsize < want) {
      note("section header entry size {} is smaller than {}; sections ignored", h.shentsize, want);
      return;
    }
    // A section header and the offset of its name in the section name table.
    auto read_header = [&](uint64_t i) -> std::optional<std::pair<ElfSection, uint32_t>> {
      uint64_t off = h.shoff + i * h.shentsize;
      if (!in_bounds(off, want, file_size())) return std::nullopt;
      auto c = r_.at(off);
      ElfSection s;
      uint32_t name = c.u32();
      s.type = c.u32();
      s.flags = c.word();
      s.addr = c.word();
      s.offset = c.word();
      s.size = c.word();
      s.link = c.u32();
      s.info = c.u32();
      c.word();  // addralign
      s.entsize = c.word();
      if (!c.ok()) return std::nullopt;
      return std::make_pair(s, name);
    };
    uint64_t count = h.shnum;
    uint64_t strndx = h.shstrndx;
    if (count == 0 || strndx == SHN_XINDEX) {  // extended numbering lives in section 0
      auto zero = read_header(0);
      if (!zero) {
        note("section header 0 at {:#x} lies outside the file; sections ignored", h.shoff);
        return;
      }
      if (count == 0) count = zero->first.size;
      if (strndx == SHN_XINDEX) strndx = zero->first.link;
    }
    if (count == 0) return;
    if (count > file_size() / want || !in_bounds(h.shoff, count * h.shentsize, file_size())) {
      note(
          "section header table (offset {:#x}, {} entries of {} bytes) lies outside the file "
          "of {} bytes; sections ignored",
          h.shoff, count, h.shentsize, file_size());
      return;
    }
    std::vector<uint32_t> name_offsets;
    for (uint64_t i = 0; i < count; ++i) {
      auto s = read_header(i);
      if (!s) {  // cannot happen after the bounds check, but stay defensive
        note("section header {} is unreadable; sections ignored", i);
        f_.sections_.clear();
        return;
      }
      f_.sections_.push_back(s->first);
      name_offsets.push_back(s->second);
    }
    if (strndx == SHN_UNDEF) return;
    if (strndx >= f_.sections_.size()) {
      note("section name table index {} is out of range ({} sections)", strndx, count);
      return;
    }
    const ElfSection& names = f_.sections_[strndx];
    if (names.type == SHT_NOBITS || !in_bounds(names.offset, names.size, file_size())) {
      note("section name table (offset {:#x}, size {}) lies outside the file", names.offset,
           names.size);
      return;
    }
    size_t bad = 0;
    for (size_t i = 0; i < f_.sections_.size(); ++i) {
      auto n = string_in(names.offset, names.size, name_offsets[i]);
      if (n) {
        f_.sections_[i].name = std::move(*n);
      } else {
        ++bad;
      }
    }
    if (bad) note("{} section names are outside the section name table", bad);
  }

  // The section at `index` when its bytes lie in the file; notes the problem otherwise.
  const ElfSection* file_section(uint64_t index, std::string_view what) {
    if (index >= f_.sections_.size()) {
      note("{}: section index {} is out of range", what, index);
      return nullptr;
    }
    const ElfSection& s = f_.sections_[index];
    if (s.type == SHT_NOBITS || !in_bounds(s.offset, s.size, file_size())) {
      note("{}: section {} (offset {:#x}, size {}) lies outside the file", what, index, s.offset,
           s.size);
      return nullptr;
    }
    return &s;
  }

  void read_symbols() {
    bool seen_dyn = false, seen_static = false;
    for (size_t i = 0; i < f_.sections_.size(); ++i) {
      const ElfSection& s = f_.sections_[i];
      bool dyn = s.type == SHT_DYNSYM;
      if (!dyn && s.type != SHT_SYMTAB) continue;
      if ((dyn && seen_dyn) || (!dyn && seen_static)) {
        note("more than one {} section; using the first", dyn ? "SHT_DYNSYM" : "SHT_SYMTAB");
        continue;
      }
      (dyn ? seen_dyn : seen_static) = true;
      auto& out = dyn ? f_.dynsym_ : f_.symtab_;
      symtab_section_[i] = &out;
      read_symbol_table(s, out);
    }
  }

  void read_symbol_table(const ElfSection& s, std::vector<ElfSymbol>& out) {
    size_t want = r_.wide() ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
    if (!file_section(&s - f_.sections_.data(), s.name)) return;
    if (s.entsize != want) {
      note("symbol table {} has entry size {}, expected {}; skipped", s.name, s.entsize, want);
      return;
    }
    if (s.size % want != 0) {
      note("symbol table {} size {} is not a multiple of {}; skipped", s.name, s.size, want);
      return;
    }
    const ElfSection* strings = file_section(s.link, s.name + " string table");
    size_t bad_names = 0;
    uint64_t count = s.size / want;
    out.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      auto c = r_.at(s.offset + i * want);
      ElfSymbol sym;
      uint32_t name = c.u32();
      uint8_t info = 0, other = 0;
      if (r_.wide()) {
        info = c.u8();
        other = c.u8();
        sym.section = c.u16();
        sym.value = c.u64();
        sym.size = c.u64();
      } else {
        sym.value = c.u32();
        sym.size = c.u32();
        info = c.u8();
        other = c.u8();
        sym.section = c.u16();
      }
      sym.type = info & 0xf;
      sym.binding = info >> 4;
      sym.visibility = other & 0x3;
      if (name != 0 && strings) {
        auto n = string_in(strings->offset, strings->size, name);
        if (n) {
          sym.name = std::move(*n);
        } else {
          ++bad_names;
        }
      }
      out.push_back(std::move(sym));
    }
    if (bad_names) note("{}: {} symbol names are outside the string table", s.name, bad_names);
  }

  void read_relocations() {
    for (size_t i = 0; i < f_.sections_.size(); ++i) {
      const ElfSection& s = f_.sections_[i];
      if ((s.type != SHT_REL && s.type != SHT_RELA) || !(s.flags & SHF_ALLOC)) continue;
      bool rela = s.type == SHT_RELA;
      size_t want = (rela ? 3 : 2) * r_.word_size();
      if (!file_section(i, s.name)) continue;
      if (s.entsize != want || s.size % want != 0) {
        note(
            "relocation section {} has entry size {} and size {}, expected multiples of {}; "
            "skipped",
            s.name, s.entsize, s.size, want);
        continue;
      }
      const std::vector<ElfSymbol>* syms = nullptr;
      if (auto it = symtab_section_.find(s.link); it != symtab_section_.end()) syms = it->second;
      size_t bad = 0;
      for (uint64_t off = 0; off < s.size; off += want) {
        auto c = r_.at(s.offset + off);
        ElfRelocation rel;
        rel.offset = c.word();
        uint64_t info = c.word();
        if (rela) {
          rel.addend = static_cast<int64_t>(c.word());
          if (!r_.wide()) rel.addend = static_cast<int32_t>(rel.addend);
          rel.has_addend = true;
        }
        rel.symbol_index = r_.wide() ? static_cast<uint32_t>(info >> 32)
                                     : static_cast<uint32_t>((info >> 8) & 0xffffff);
        rel.type = r_.wide() ? static_cast<uint32_t>(info) : static_cast<uint32_t>(info & 0xff);
        rel.kind = reloc_kind(f_.header_.machine, rel.type);
        if (rel.symbol_index != 0) {
          if (syms && rel.symbol_index < syms->size()) {
            rel.symbol = (*syms)[rel.symbol_index].name;
          } else {
            ++bad;
          }
        }
        f_.relocations_.push_back(std::move(rel));
      }
      if (bad) note("{}: {} relocations name symbols that do not exist", s.name, bad);
    }
  }

  ElfFile& f_;
  ByteReader r_;
  ElfParseOptions options_;
  std::map<uint64_t, std::vector<ElfSymbol>*> symtab_section_;
};

ElfFile ElfFile::parse(std::string bytes, std::string name, ElfParseOptions options) {
  ElfFile f;
  f.header_ = read_elf_header(bytes, name);
  f.bytes_ = std::move(bytes);
  f.name_ = std::move(name);
  ElfParser(f, options).run();
  for (size_t i = 0; i < f.relocations_.size(); ++i) {
    auto kind = f.relocations_[i].kind;
    if (kind == RelocKind::JumpSlot || kind == RelocKind::GlobDat) {
      f.slot_index_.emplace_back(f.relocations_[i].offset, i);
    }
  }
  std::sort(f.slot_index_.begin(), f.slot_index_.end());
  return f;
}

ElfLinkage ElfFile::linkage() const {
  switch (header_.type) {
    case ET_REL:
      return ElfLinkage::Relocatable;
    case ET_EXEC:
      if (interp_ || !dynamic_.needed.empty()) return ElfLinkage::DynamicExecutable;
      return ElfLinkage::StaticExecutable;
    case ET_DYN:
      if (dynamic_.pie_flag()) {
        return interp_ ? ElfLinkage::DynamicExecutable : ElfLinkage::StaticPie;
      }
      if (interp_ && !dynamic_.soname) return ElfLinkage::DynamicExecutable;
      return ElfLinkage::SharedObject;
    default:
      return ElfLinkage::Other;
  }
}

bool ElfFile::is_static() const {
  auto l = linkage();
  return l == ElfLinkage::StaticExecutable || l == ElfLinkage::StaticPie;
}

const ElfSection* ElfFile::section(std::string_view name) const {
  for (auto& s : sections_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<const ElfSection*> ElfFile::executable_sections() const {
  std::vector<const ElfSection*> out;
  for (auto& s : sections_) {
    if (s.executable() && s.has_file_bytes()) out.push_back(&s);
  }
  return out;
}

const std::vector<ElfSymbol>& ElfFile::symbols(SymbolTable table) const {
  return table == SymbolTable::Dynamic ? dynsym_ : symtab_;
}

const ElfRelocation* ElfFile::symbol_slot_at(uint64_t vaddr) const {
  auto it =
      std::lower_bound(slot_index_.begin(), slot_index_.end(), std::make_pair(vaddr, size_t{0}));
  if (it == slot_index_.end() || it->first != vaddr) return nullptr;
  return &relocations_[it->second];
}

std::optional<uint64_t> ElfFile::vaddr_to_offset(uint64_t vaddr) const {
  for (auto& s : segments_) {
    if (s.type != PT_LOAD || vaddr < s.vaddr || vaddr - s.vaddr >= s.filesz) continue;
    uint64_t off = s.offset + (vaddr - s.vaddr);
    if (off < s.offset || off >= bytes_.size()) return std::nullopt;
    return off;
  }
  return std::nullopt;
}

std::optional<std::string_view> ElfFile::bytes_at(uint64_t vaddr, uint64_t size) const {
  for (auto& s : segments_) {
    if (s.type != PT_LOAD || vaddr < s.vaddr) continue;
    uint64_t rel = vaddr - s.vaddr;
    if (!in_bounds(rel, size, s.filesz)) continue;
    uint64_t off = s.offset + rel;
    if (off < s.offset || !in_bounds(off, size, bytes_.size())) return std::nullopt;
    return std::string_view(bytes_).substr(off, size);
  }
  return std::nullopt;
}

std::optional<std::string_view> ElfFile::section_bytes(const ElfSection& s) const {
  if (!s.has_file_bytes() || !in_bounds(s.offset, s.size, bytes_.size())) return std::nullopt;
  return std::string_view(bytes_).substr(s.offset, s.size);
}

std::vector<uint64_t> ElfFile::read_array(std::optional<uint64_t> addr, uint64_t size) const {
  std::vector<uint64_t> out;
  if (!addr || size == 0) return out;
  ByteReader r(bytes_, header_.elf_class, header_.endian);
  size_t ws = r.word_size();
  auto bytes = bytes_at(*addr, size - size % ws);
  if (!bytes) return out;
  ByteReader words(*bytes, header_.elf_class, header_.endian);
  std::map<uint64_t, const ElfRelocation*> relative;
  for (auto& rel : relocations_) {
    if (rel.kind == RelocKind::Relative && rel.offset >= *addr && rel.offset - *addr < size) {
      relative.emplace(rel.offset, &rel);
    }
  }
  uint64_t all_ones = ws == 8 ? UINT64_MAX : UINT32_MAX;
  for (uint64_t i = 0; i + ws <= bytes->size(); i += ws) {
    uint64_t v = words.word(i).value_or(0);
    auto it = relative.find(*addr + i);
    if (it != relative.end() && it->second->has_addend) {
      v = static_cast<uint64_t>(it->second->addend);
    }
    if (v != 0 && v != all_ones) out.push_back(v);
  }
  return out;
}

std::vector<uint64_t> ElfFile::init_functions() const {
  auto out = read_array(dynamic_.preinit_array, dynamic_.preinit_array_size);
  if (dynamic_.init) out.push_back(*dynamic_.init);
  auto init = read_array(dynamic_.init_array, dynamic_.init_array_size);
  out.insert(out.end(), init.begin(), init.end());
  return out;
}

std::vector<uint64_t> ElfFile::fini_functions() const {
  auto out = read_array(dynamic_.fini_array, dynamic_.fini_array_size);
  if (dynamic_.fini) out.push_back(*dynamic_.fini);
  return out;
}

}  // namespace imgstrip
