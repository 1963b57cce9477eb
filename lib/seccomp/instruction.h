// One decoded machine instruction, reduced to what the syscall analysis needs: how control
// leaves it, which addresses it names, and what it does to general-purpose registers.
// Registers are numbered per architecture (x86_64: rax=0 ... r15=15; aarch64: x0..x30).
#pragma once

#include <cstdint>
#include <vector>

namespace imgstrip {

enum class Flow : uint8_t {
  Next,          // falls through
  Syscall,       // `syscall` / `svc #0`; falls through
  Call,          // direct call to `target`
  IndirectCall,  // call through a register or memory (`mem` set when memory is known)
  Jump,          // unconditional direct jump to `target`
  CondJump,      // conditional direct jump to `target`; falls through
  IndirectJump,  // jump through a register or memory (`mem` set when memory is known)
  Return,
  Stop,  // hlt, ud2, brk: never falls through
};

// What the instruction does to register `dst`.
enum class RegOp : uint8_t {
  None,
  Const,    // dst = imm
  Copy,     // dst = src + imm
  Bool,     // dst = 0 or 1 (setcc after the register was cleared; cset)
  Unknown,  // dst = something the analysis does not follow (a load, a computation)
};

constexpr uint8_t kNoReg = 0xff;

struct Insn {
  uint64_t addr = 0;
  uint64_t target = 0;   // Call, Jump, CondJump
  uint64_t mem = 0;      // absolute address of a memory operand (rip-relative, adrp+ldr); 0 none
  uint64_t address = 0;  // an absolute address the instruction puts in a register or memory
  // `address` is an immediate operand, not relative to the instruction: a link-time address
  // only in code that is not position-independent.
  bool absolute = false;
  uint64_t writes = 0;  // bit mask of registers written (besides dst's RegOp)
  int64_t imm = 0;
  uint8_t size = 0;
  Flow flow = Flow::Next;
  RegOp op = RegOp::None;
  uint8_t dst = kNoReg;
  uint8_t src = kNoReg;
  bool endbr = false;  // endbr64 (x86 IBT landing pad)
  bool nop = false;    // padding: when nothing jumps to it, the code after it is a block start

  bool falls_through() const {
    return flow != Flow::Jump && flow != Flow::IndirectJump && flow != Flow::Return &&
           flow != Flow::Stop;
  }
  uint64_t end() const { return addr + size; }
};

}  // namespace imgstrip
