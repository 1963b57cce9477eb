// Disassembly with Capstone into Insn records: x86_64 and aarch64.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "seccomp/instruction.h"
#include "seccomp/syscall_table.h"

namespace imgstrip {

// The calling convention facts the data flow needs.
struct RegisterModel {
  uint8_t number;               // the register holding the syscall number (rax / x8)
  std::vector<uint8_t> params;  // argument registers in order (rdi.. / x0..x7)
  uint64_t call_clobbers;       // registers a call may change (caller-saved)
};

const RegisterModel& register_model(Arch a);
// "rax", "x8", ...
std::string_view register_name(Arch a, uint8_t reg);

class Decoder {
 public:
  explicit Decoder(Arch arch);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes `code` loaded at `addr` linearly, appending to `out`. Bytes that do not decode
  // are skipped (1 byte on x86_64, 4 on aarch64) and counted in the return value.
  size_t decode(std::string_view code, uint64_t addr, std::vector<Insn>& out);
  Arch arch() const { return arch_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Arch arch_;
};

}  // namespace imgstrip
