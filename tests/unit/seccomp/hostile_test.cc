// Hostile input: damaged objects give an Error or a smaller analysis, never a crash.
#include <elf.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "core/error.h"
#include "core/tempdir.h"
#include "seccomp/analysis_cache.h"
#include "seccomp_test_util.h"

using namespace imgstrip;
using namespace imgstrip::seccomp_test;

namespace {

// Parses and analyses; true when it produced an analysis, false for an Error.
bool try_analyze(std::string bytes) {
  try {
    ObjectAnalysis a = analyze_object(ElfFile::parse(std::move(bytes), "hostile"));
    (void)analysis_to_json(a);
    return true;
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("hostile") != std::string::npos);
    return false;
  }
}

template <typename T>
void put(std::string& b, size_t off, T v) {
  if (off + sizeof v <= b.size()) std::memcpy(b.data() + off, &v, sizeof v);
}

template <typename T>
T get(const std::string& b, size_t off) {
  T v{};
  if (off + sizeof v <= b.size()) std::memcpy(&v, b.data() + off, sizeof v);
  return v;
}

}  // namespace

TEST_CASE("truncated and corrupted objects never crash the analysis", "[seccomp][hostile]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "h", "#include <stdio.h>\nint main(void){puts(\"x\");return 0;}\n",
                     "-O2");
  std::string good = elf_test::slurp(exe);
  REQUIRE(try_analyze(good));

  // Truncated anywhere.
  for (size_t len : {size_t{0}, size_t{16}, size_t{64}, size_t{200}, good.size() / 3,
                     good.size() / 2, good.size() - 100, good.size() - 1})
    try_analyze(good.substr(0, len));

  // Section headers with huge sizes and offsets, symbol tables pointing nowhere.
  auto shoff = get<uint64_t>(good, 0x28);
  auto shnum = get<uint16_t>(good, 0x3c);
  for (uint16_t i = 0; i < shnum; ++i) {
    size_t sh = shoff + size_t{i} * sizeof(Elf64_Shdr);
    std::string b = good;
    put<uint64_t>(b, sh + offsetof(Elf64_Shdr, sh_size), UINT64_MAX / 2);
    try_analyze(b);
    b = good;
    put<uint64_t>(b, sh + offsetof(Elf64_Shdr, sh_offset), good.size() - 8);
    try_analyze(b);
    b = good;
    put<uint64_t>(b, sh + offsetof(Elf64_Shdr, sh_addr), UINT64_MAX - 16);
    try_analyze(b);
    b = good;
    put<uint64_t>(b, sh + offsetof(Elf64_Shdr, sh_entsize), 1);
    put<uint32_t>(b, sh + offsetof(Elf64_Shdr, sh_link), 0xffff);
    try_analyze(b);
  }
  // Program headers: a code segment larger than the file, and at the top of memory.
  auto phoff = get<uint64_t>(good, 0x20);
  auto phnum = get<uint16_t>(good, 0x38);
  for (uint16_t i = 0; i < phnum; ++i) {
    size_t ph = phoff + size_t{i} * sizeof(Elf64_Phdr);
    std::string b = good;
    put<uint64_t>(b, ph + offsetof(Elf64_Phdr, p_filesz), UINT64_MAX - 1);
    try_analyze(b);
    b = good;
    put<uint64_t>(b, ph + offsetof(Elf64_Phdr, p_vaddr), UINT64_MAX - 4096);
    try_analyze(b);
  }
  // Random bytes flipped.
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    std::string b = good;
    for (int k = 0; k < 16; ++k)
      b[rng() % b.size()] = static_cast<char>(rng());
    try_analyze(b);
  }
}

TEST_CASE("objects of other machines are a clear Error", "[seccomp][hostile]") {
  TempDir tmp;
  auto exe = compile(tmp.path(), "m", "int main(void){return 0;}\n", "-O2");
  std::string b = elf_test::slurp(exe);
  put<uint16_t>(b, 0x12, EM_RISCV);
  try {
    analyze_object(ElfFile::parse(b, "riscv-object"));
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("riscv-object") != std::string::npos);
  }
}

TEST_CASE("damaged cached analyses are rejected", "[seccomp][hostile][cache]") {
  CHECK_THROWS_AS(analysis_from_json(nlohmann::json::parse("{}")), Error);
  CHECK_THROWS_AS(analysis_from_json(nlohmann::json::parse(R"({"format":1,"arch":"vax"})")), Error);
  CHECK_THROWS_AS(
      analysis_from_json(nlohmann::json::parse(R"({"format":1,"arch":"x86_64","functions":7})")),
      Error);
}
