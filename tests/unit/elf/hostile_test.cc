// Hostile input: every mutation must give a clean Error naming the file or a parsed
// object with notes, never a crash (run under -DIMGSTRIP_SANITIZE=ON too).
#include <elf.h>

#include <cstring>
#include <random>

#include "core/error.h"
#include "elf/elf_file.h"
#include "elf_test_util.h"

using namespace imgstrip;
using namespace imgstrip::elf_test;

namespace {

const char* kProgram = R"(
#include <stdio.h>
int main(void) { puts("hi"); return 0; }
)";

template <typename T>
T get(const std::string& b, size_t off) {
  T v;
  REQUIRE(off + sizeof(T) <= b.size());
  std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

template <typename T>
void put(std::string& b, size_t off, const T& v) {
  REQUIRE(off + sizeof(T) <= b.size());
  std::memcpy(b.data() + off, &v, sizeof(T));
}

// Offset of the section header named `name` in a 64-bit little-endian file.
size_t shdr_offset(const std::string& b, std::string_view name) {
  auto eh = get<Elf64_Ehdr>(b, 0);
  auto names = get<Elf64_Shdr>(b, eh.e_shoff + eh.e_shstrndx * sizeof(Elf64_Shdr));
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    size_t off = eh.e_shoff + i * sizeof(Elf64_Shdr);
    auto sh = get<Elf64_Shdr>(b, off);
    if (std::string_view(b.data() + names.sh_offset + sh.sh_name) == name) return off;
  }
  FAIL("no section " << name);
  return 0;
}

// Parses and touches everything; returns the notes, or the Error's message.
std::string exercise(std::string bytes, const std::string& name = "hostile/file") {
  try {
    auto f = ElfFile::parse(std::move(bytes), name);
    (void)f.linkage();
    for (auto& s : f.segments())
      (void)f.bytes_at(s.vaddr, s.filesz);
    for (auto& s : f.sections())
      (void)f.section_bytes(s);
    for (auto& r : f.relocations())
      (void)f.symbol_slot_at(r.offset);
    (void)f.init_functions();
    (void)f.fini_functions();
    std::string notes;
    for (auto& n : f.notes()) {
      CHECK(n.rfind(name + ": ", 0) == 0);
      notes += n + "\n";
    }
    return notes;
  } catch (const Error& e) {
    CHECK(std::string(e.what()).rfind(name + ": ", 0) == 0);
    return std::string("error: ") + e.what();
  }
}

std::string small_program() {
  static std::string bytes;
  if (bytes.empty()) {
    static TempDir tmp("elf-hostile");
    bytes = slurp(compile(tmp.path(), "prog", kProgram, "-O0"));
  }
  return bytes;
}

}  // namespace

TEST_CASE("truncation at every length of a small program", "[elf][hostile]") {
  std::string bytes = small_program();
  for (size_t len = 0; len <= bytes.size(); ++len)
    exercise(bytes.substr(0, len));
  CHECK(exercise(bytes.substr(0, 10)).find("truncated") != std::string::npos);
  CHECK(exercise(bytes.substr(0, 100)).find("program header table") != std::string::npos);
}

TEST_CASE("truncation of libc.so.6 at many lengths", "[elf][hostile]") {
  std::string bytes = slurp("/lib/x86_64-linux-gnu/libc.so.6");
  std::mt19937_64 rng(7);
  for (int i = 0; i < 150; ++i)
    exercise(bytes.substr(0, rng() % bytes.size()));
  // Cut just before the section header table: sections go, the rest stays.
  auto eh = get<Elf64_Ehdr>(bytes, 0);
  std::string notes = exercise(bytes.substr(0, eh.e_shoff + 10));
  CHECK(notes.find("section header table") != std::string::npos);
}

TEST_CASE("file header fields flipped", "[elf][hostile]") {
  const std::string base = slurp("/usr/bin/ls");
  auto with = [&](auto patch) {
    std::string b = base;
    patch(b);
    return exercise(b);
  };
  auto eh = get<Elf64_Ehdr>(base, 0);
  CHECK(with([](std::string& b) { b[EI_CLASS] = 3; }).find("invalid ELF class 3") !=
        std::string::npos);
  CHECK(with([](std::string& b) { b[EI_DATA] = 0; }).find("data encoding") != std::string::npos);
  with([](std::string& b) { b[EI_CLASS] = ELFCLASS32; });
  with([](std::string& b) { b[EI_DATA] = ELFDATA2MSB; });
  CHECK(with([](std::string& b) {
          put<uint64_t>(b, offsetof(Elf64_Ehdr, e_phoff), ~0ull - 8);
        }).find("error: hostile/file: program header table") == 0);
  CHECK(with([](std::string& b) {
          put<uint16_t>(b, offsetof(Elf64_Ehdr, e_phnum), 0xffff);
        }).find("error:") == 0);
  CHECK(with([](std::string& b) {
          put<uint16_t>(b, offsetof(Elf64_Ehdr, e_phentsize), 1);
        }).find("program header entry size 1") != std::string::npos);
  CHECK(with([](std::string& b) {
          put<uint64_t>(b, offsetof(Elf64_Ehdr, e_shoff), ~0ull - 100);
        }).find("sections ignored") != std::string::npos);
  CHECK(with([](std::string& b) {
          put<uint16_t>(b, offsetof(Elf64_Ehdr, e_shnum), 0xfffe);
        }).find("sections ignored") != std::string::npos);
  CHECK(with([](std::string& b) {
          put<uint16_t>(b, offsetof(Elf64_Ehdr, e_shentsize), 3);
        }).find("section header entry size 3") != std::string::npos);
  CHECK(with([](std::string& b) {
          put<uint16_t>(b, offsetof(Elf64_Ehdr, e_shstrndx), 0xfeff);
        }).find("section name table index") != std::string::npos);
  // Extended numbering: e_shnum 0 and SHN_XINDEX take their values from section 0.
  with([](std::string& b) { put<uint16_t>(b, offsetof(Elf64_Ehdr, e_shnum), 0); });
  with([&](std::string& b) {
    put<uint16_t>(b, offsetof(Elf64_Ehdr, e_shstrndx), SHN_XINDEX);
    put<uint32_t>(b, eh.e_shoff + offsetof(Elf64_Shdr, sh_link), 0xffffffff);
  });
  with([&](std::string& b) {
    put<uint16_t>(b, offsetof(Elf64_Ehdr, e_shnum), 0);
    put<uint64_t>(b, eh.e_shoff + offsetof(Elf64_Shdr, sh_size), ~0ull / 2);
  });
}

TEST_CASE("section and symbol table damage becomes notes", "[elf][hostile]") {
  const std::string base = slurp("/usr/bin/ls");
  auto dynsym = shdr_offset(base, ".dynsym");
  auto dynsym_size = get<Elf64_Shdr>(base, dynsym).sh_size;
  auto patched = [&](size_t field, uint64_t value) {
    std::string b = base;
    put<uint64_t>(b, dynsym + field, value);
    return b;
  };
  std::string notes = exercise(patched(offsetof(Elf64_Shdr, sh_offset), base.size() + 100));
  CHECK(notes.find("lies outside the file") != std::string::npos);
  notes = exercise(patched(offsetof(Elf64_Shdr, sh_size), 1ull << 62));
  CHECK(notes.find("lies outside the file") != std::string::npos);
  notes = exercise(patched(offsetof(Elf64_Shdr, sh_size), dynsym_size + 1));
  CHECK(notes.find("not a multiple of 24") != std::string::npos);
  notes = exercise(patched(offsetof(Elf64_Shdr, sh_entsize), 7));
  CHECK(notes.find("entry size 7") != std::string::npos);

  // A symbol table whose string table link is bogus, and a bogus section name.
  std::string b = base;
  put<uint32_t>(b, dynsym + offsetof(Elf64_Shdr, sh_link), 9999);
  CHECK(exercise(b).find("out of range") != std::string::npos);
  b = base;
  put<uint32_t>(b, dynsym + offsetof(Elf64_Shdr, sh_name), 0x7fffffff);
  CHECK(exercise(b).find("section names are outside") != std::string::npos);

  // Symbol names pointing past the string table.
  b = base;
  auto sh = get<Elf64_Shdr>(base, dynsym);
  for (size_t off = sh.sh_offset + sizeof(Elf64_Sym); off < sh.sh_offset + sh.sh_size;
       off += sizeof(Elf64_Sym)) {
    put<uint32_t>(b, off, 0xfffffff0);
  }
  CHECK(exercise(b).find("symbol names are outside") != std::string::npos);
}

TEST_CASE("dynamic section damage becomes notes", "[elf][hostile]") {
  const std::string base = slurp("/usr/bin/ls");
  auto eh = get<Elf64_Ehdr>(base, 0);
  Elf64_Phdr dyn{};
  size_t dyn_ph = 0;
  for (size_t i = 0; i < eh.e_phnum; ++i) {
    auto ph = get<Elf64_Phdr>(base, eh.e_phoff + i * sizeof(Elf64_Phdr));
    if (ph.p_type == PT_DYNAMIC) {
      dyn = ph;
      dyn_ph = eh.e_phoff + i * sizeof(Elf64_Phdr);
    }
  }
  REQUIRE(dyn.p_type == PT_DYNAMIC);
  auto each_entry = [&](std::string& b, auto fn) {
    for (size_t off = dyn.p_offset; off + sizeof(Elf64_Dyn) <= dyn.p_offset + dyn.p_filesz;
         off += sizeof(Elf64_Dyn)) {
      auto d = get<Elf64_Dyn>(b, off);
      fn(d);
      put(b, off, d);
    }
  };

  std::string b = base;
  each_entry(b, [](Elf64_Dyn& d) {
    if (d.d_tag == DT_NULL) d.d_tag = DT_DEBUG;
  });
  CHECK(exercise(b).find("no DT_NULL") != std::string::npos);

  b = base;
  each_entry(b, [](Elf64_Dyn& d) {
    if (d.d_tag == DT_NEEDED) d.d_un.d_val = 0xffffffffff;
  });
  CHECK(exercise(b).find("DT_NEEDED string offset") != std::string::npos);

  b = base;
  each_entry(b, [](Elf64_Dyn& d) {
    if (d.d_tag == DT_STRTAB) d.d_un.d_ptr = 0xdead0000000;
  });
  CHECK(exercise(b).find("DT_STRTAB") != std::string::npos);

  b = base;
  each_entry(b, [](Elf64_Dyn& d) {
    if (d.d_tag == DT_INIT_ARRAYSZ || d.d_tag == DT_FINI_ARRAYSZ) d.d_un.d_val = ~0ull;
  });
  exercise(b);

  b = base;
  put<uint64_t>(b, dyn_ph + offsetof(Elf64_Phdr, p_filesz), ~0ull - 4);
  CHECK(exercise(b).find("PT_DYNAMIC") != std::string::npos);
  b = base;
  put<uint64_t>(b, dyn_ph + offsetof(Elf64_Phdr, p_offset), base.size() - 8);
  exercise(b);
}

TEST_CASE("random byte mutations", "[elf][hostile]") {
  const std::string base = small_program();
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    std::string b = base;
    int flips = 1 + rng() % 8;
    for (int k = 0; k < flips; ++k) {
      // Mostly the headers and tables at the start, sometimes anywhere.
      size_t pos = (rng() % 4) ? rng() % std::min<size_t>(b.size(), 1024) : rng() % b.size();
      b[pos] = static_cast<char>(rng());
    }
    exercise(b);
  }
  SUCCEED();
}
