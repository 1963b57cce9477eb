#include "elf/elf_file.h"

#include <elf.h>

#include <algorithm>

#include "core/error.h"
#include "elf_test_util.h"

using namespace imgstrip;
using namespace imgstrip::elf_test;

namespace {

const char* kProgram = R"(
#include <stdio.h>
int global_counter = 3;
__attribute__((constructor)) static void init_me(void) { global_counter++; }
__attribute__((destructor)) static void fini_me(void) { global_counter--; }
int main(void) { puts("hi"); return global_counter; }
)";

ElfFile parse_file(const fs::path& p) {
  return ElfFile::parse(slurp(p), p.string());
}

const ElfSymbol* find_symbol(const ElfFile& f, SymbolTable t, std::string_view name) {
  for (auto& s : f.symbols(t)) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("header-only path: is_elf and read_elf_header", "[elf]") {
  std::string bytes = slurp("/usr/bin/ls");
  CHECK(is_elf(bytes));
  CHECK_FALSE(is_elf("#!/bin/sh\n"));
  CHECK_FALSE(is_elf(""));
  auto h = read_elf_header(std::string_view(bytes).substr(0, 64), "usr/bin/ls");
  CHECK(h.elf_class == ElfClass::Elf64);
  CHECK(h.endian == ElfEndian::Little);
  CHECK(h.machine == EM_X86_64);
  CHECK(machine_name(h.machine) == "x86_64");
  CHECK_FALSE(try_read_elf_header("hello"));
  CHECK_FALSE(try_read_elf_header(std::string_view(bytes).substr(0, 40)));
  CHECK_THROWS_WITH(read_elf_header("\x7f"
                                    "ELF",
                                    "some/file"),
                    Catch::Contains("some/file") && Catch::Contains("truncated"));
  CHECK_THROWS_WITH(read_elf_header("not elf at all", "x/y"), Catch::Contains("x/y: not an ELF"));
}

TEST_CASE("dynamic PIE executable: fields, symbols, PLT slots, init/fini", "[elf]") {
  TempDir tmp("elf-test");
  auto exe = compile(tmp.path(), "prog", kProgram, "-O0 -pie -fPIE -Wl,-z,lazy");
  auto f = parse_file(exe);
  CHECK(f.notes().empty());
  CHECK(f.elf_class() == ElfClass::Elf64);
  CHECK(f.machine() == EM_X86_64);
  CHECK(f.type() == ET_DYN);
  CHECK(f.linkage() == ElfLinkage::DynamicExecutable);
  CHECK_FALSE(f.is_static());
  REQUIRE(f.interpreter());
  CHECK(*f.interpreter() == "/lib64/ld-linux-x86-64.so.2");
  CHECK(f.dynamic().present);
  CHECK(contains(f.dynamic().needed, "libc.so.6"));
  CHECK(f.dynamic().pie_flag());
  CHECK_FALSE(f.dynamic().soname);

  // Segments and sections.
  CHECK(std::any_of(f.segments().begin(), f.segments().end(),
                    [](auto& s) { return s.type == PT_LOAD && s.executable(); }));
  const ElfSection* text = f.section(".text");
  REQUIRE(text);
  CHECK(text->executable());
  auto exec = f.executable_sections();
  CHECK(std::any_of(exec.begin(), exec.end(), [](auto* s) { return s->name == ".text"; }));

  // Symbols: puts is undefined in .dynsym, main is a defined function in .symtab.
  auto* puts_sym = find_symbol(f, SymbolTable::Dynamic, "puts");
  REQUIRE(puts_sym);
  CHECK_FALSE(puts_sym->defined());
  CHECK(puts_sym->type == STT_FUNC);
  auto* main_sym = find_symbol(f, SymbolTable::Static, "main");
  REQUIRE(main_sym);
  CHECK(main_sym->defined());
  CHECK(main_sym->type == STT_FUNC);
  CHECK(main_sym->binding == STB_GLOBAL);
  auto* counter = find_symbol(f, SymbolTable::Static, "global_counter");
  REQUIRE(counter);
  CHECK(counter->type == STT_OBJECT);
  CHECK(counter->size == 4);

  // The PLT slot of puts maps back to its name.
  auto rel = std::find_if(f.relocations().begin(), f.relocations().end(),
                          [](auto& r) { return r.symbol == "puts"; });
  REQUIRE(rel != f.relocations().end());
  CHECK(rel->kind == RelocKind::JumpSlot);
  auto* slot = f.symbol_slot_at(rel->offset);
  REQUIRE(slot);
  CHECK(slot->symbol == "puts");
  CHECK_FALSE(f.symbol_slot_at(0x1));

  // Constructors and destructors, with RELATIVE relocations applied.
  auto* init_me = find_symbol(f, SymbolTable::Static, "init_me");
  auto* fini_me = find_symbol(f, SymbolTable::Static, "fini_me");
  REQUIRE(init_me);
  REQUIRE(fini_me);
  auto inits = f.init_functions();
  auto finis = f.fini_functions();
  CHECK(std::find(inits.begin(), inits.end(), init_me->value) != inits.end());
  CHECK(std::find(finis.begin(), finis.end(), fini_me->value) != finis.end());
  CHECK(f.dynamic().init_array);
  CHECK(f.dynamic().init_array_size % 8 == 0);

  // Code bytes by virtual address equal the section's bytes.
  auto code = f.bytes_at(main_sym->value, main_sym->size);
  REQUIRE(code);
  auto section = f.section_bytes(*text);
  REQUIRE(section);
  CHECK(*code == section->substr(main_sym->value - text->addr, main_sym->size));
  CHECK(f.bytes_at(f.entry(), 4));
  CHECK_FALSE(f.bytes_at(UINT64_MAX - 2, 8));
  CHECK_FALSE(f.bytes_at(main_sym->value, UINT64_MAX));
}

TEST_CASE("static and static-pie executables", "[elf]") {
  TempDir tmp("elf-test");
  auto st = parse_file(compile(tmp.path(), "static", kProgram, "-static"));
  CHECK(st.type() == ET_EXEC);
  CHECK(st.linkage() == ElfLinkage::StaticExecutable);
  CHECK(st.is_static());
  CHECK_FALSE(st.interpreter());
  CHECK(st.dynamic().needed.empty());

  auto sp = parse_file(compile(tmp.path(), "static-pie", kProgram, "-static-pie"));
  CHECK(sp.type() == ET_DYN);
  CHECK(sp.linkage() == ElfLinkage::StaticPie);
  CHECK(sp.is_static());
  CHECK_FALSE(sp.interpreter());
}

TEST_CASE("shared library: SONAME, RUNPATH vs RPATH, nodeflib", "[elf]") {
  TempDir tmp("elf-test");
  auto newtags = parse_file(shared_lib(tmp.path(), "libnew.so", "libnew.so.1", "f",
                                       "-Wl,-rpath,'$ORIGIN/../lib' -Wl,--enable-new-dtags"));
  CHECK(newtags.linkage() == ElfLinkage::SharedObject);
  REQUIRE(newtags.dynamic().soname);
  CHECK(*newtags.dynamic().soname == "libnew.so.1");
  REQUIRE(newtags.dynamic().runpath);
  CHECK(*newtags.dynamic().runpath == "$ORIGIN/../lib");
  CHECK_FALSE(newtags.dynamic().rpath);

  auto oldtags = parse_file(shared_lib(tmp.path(), "libold.so", "libold.so.1", "f",
                                       "-Wl,-rpath,'${ORIGIN}/x:/opt/y' -Wl,--disable-new-dtags"));
  REQUIRE(oldtags.dynamic().rpath);
  CHECK(*oldtags.dynamic().rpath == "${ORIGIN}/x:/opt/y");
  CHECK_FALSE(oldtags.dynamic().runpath);

  auto nodeflib =
      parse_file(shared_lib(tmp.path(), "libn.so", "libn.so.1", "f", "-Wl,-z,nodefaultlib"));
  CHECK(nodeflib.dynamic().nodeflib());
  CHECK_FALSE(newtags.dynamic().nodeflib());

  auto* f = find_symbol(newtags, SymbolTable::Dynamic, "f");
  REQUIRE(f);
  CHECK(f->defined());
}

TEST_CASE("32-bit library and relocatable object", "[elf]") {
  TempDir tmp("elf-test");
  auto lib32 = parse_file(shared_lib(tmp.path(), "lib32.so", "lib32.so.1", "g", "-m32"));
  CHECK(lib32.elf_class() == ElfClass::Elf32);
  CHECK(lib32.machine() == EM_386);
  REQUIRE(lib32.dynamic().soname);
  CHECK(*lib32.dynamic().soname == "lib32.so.1");
  CHECK(find_symbol(lib32, SymbolTable::Dynamic, "g"));

  auto obj = parse_file(compile(tmp.path(), "o.o", kProgram, "-c"));
  CHECK(obj.linkage() == ElfLinkage::Relocatable);
  CHECK(obj.segments().empty());
  CHECK(obj.section(".text"));
  CHECK(find_symbol(obj, SymbolTable::Static, "main"));
}

TEST_CASE("real system objects: /usr/bin/ls and libc.so.6", "[elf]") {
  auto ls = parse_file("/usr/bin/ls");
  CHECK(ls.linkage() == ElfLinkage::DynamicExecutable);
  CHECK(contains(ls.dynamic().needed, "libc.so.6"));
  CHECK(ls.section(".text"));
  CHECK(!ls.symbols(SymbolTable::Dynamic).empty());
  CHECK(std::any_of(ls.relocations().begin(), ls.relocations().end(), [](auto& r) {
    return r.kind == RelocKind::JumpSlot || r.kind == RelocKind::GlobDat;
  }));
  CHECK(ls.notes().empty());

  auto libc = parse_file("/lib/x86_64-linux-gnu/libc.so.6");
  REQUIRE(libc.dynamic().soname);
  CHECK(*libc.dynamic().soname == "libc.so.6");
  CHECK(libc.linkage() == ElfLinkage::SharedObject);
  CHECK(libc.interpreter());
  CHECK(contains(libc.dynamic().needed, "ld-linux-x86-64.so.2"));
  auto* write = find_symbol(libc, SymbolTable::Dynamic, "write");
  REQUIRE(write);
  CHECK(write->defined());
  CHECK(write->type == STT_FUNC);
  auto code = libc.bytes_at(write->value, write->size);
  REQUIRE(code);
  CHECK(code->size() == write->size);
  CHECK(libc.notes().empty());
}

TEST_CASE("aarch64 objects from the cross compiler", "[elf]") {
  if (!have_tool("aarch64-linux-gnu-gcc")) {
    FAIL("aarch64-linux-gnu-gcc not installed (apt-get install gcc-aarch64-linux-gnu)");
  }
  TempDir tmp("elf-test");
  auto f = parse_file(
      compile(tmp.path(), "prog-arm64", kProgram, "-O0 -Wl,-z,lazy", "aarch64-linux-gnu-gcc"));
  CHECK(f.machine() == EM_AARCH64);
  CHECK(f.elf_class() == ElfClass::Elf64);
  REQUIRE(f.interpreter());
  CHECK(*f.interpreter() == "/lib/ld-linux-aarch64.so.1");
  CHECK(contains(f.dynamic().needed, "libc.so.6"));
  auto rel = std::find_if(f.relocations().begin(), f.relocations().end(),
                          [](auto& r) { return r.symbol == "puts"; });
  REQUIRE(rel != f.relocations().end());
  CHECK(rel->kind == RelocKind::JumpSlot);
  CHECK(f.symbol_slot_at(rel->offset));
  auto* main_sym = find_symbol(f, SymbolTable::Static, "main");
  REQUIRE(main_sym);
  auto code = f.bytes_at(main_sym->value, main_sym->size);
  REQUIRE(code);
  CHECK(code->size() % 4 == 0);
}
