#include "seccomp/decoder.h"

#include <capstone/capstone.h>

#include <array>
#include <mutex>

#include "core/error.h"

namespace imgstrip {

namespace {

constexpr uint8_t kZr = 31;  // aarch64 xzr/wzr as a source: the constant 0

uint64_t bit(uint8_t reg) {
  return reg < 64 ? uint64_t{1} << reg : 0;
}

struct X86Reg {
  uint8_t index = kNoReg;
  uint8_t bits = 0;
};

X86Reg x86_reg(unsigned r) {
  switch (r) {
#define R(i, q, d, w, b) \
  case X86_REG_##q:      \
    return {i, 64};      \
  case X86_REG_##d:      \
    return {i, 32};      \
  case X86_REG_##w:      \
    return {i, 16};      \
  case X86_REG_##b:      \
    return {i, 8};
    R(0, RAX, EAX, AX, AL)
    R(1, RCX, ECX, CX, CL)
    R(2, RDX, EDX, DX, DL)
    R(3, RBX, EBX, BX, BL)
    R(4, RSP, ESP, SP, SPL)
    R(5, RBP, EBP, BP, BPL)
    R(6, RSI, ESI, SI, SIL)
    R(7, RDI, EDI, DI, DIL)
    R(8, R8, R8D, R8W, R8B)
    R(9, R9, R9D, R9W, R9B)
    R(10, R10, R10D, R10W, R10B)
    R(11, R11, R11D, R11W, R11B)
    R(12, R12, R12D, R12W, R12B)
    R(13, R13, R13D, R13W, R13B)
    R(14, R14, R14D, R14W, R14B)
    R(15, R15, R15D, R15W, R15B)
#undef R
    case X86_REG_AH:
      return {0, 8};
    case X86_REG_CH:
      return {1, 8};
    case X86_REG_DH:
      return {2, 8};
    case X86_REG_BH:
      return {3, 8};
    default:
      return {};
  }
}

uint8_t arm_reg(unsigned r) {
  if (r >= ARM64_REG_W0 && r <= ARM64_REG_W30) return static_cast<uint8_t>(r - ARM64_REG_W0);
  if (r >= ARM64_REG_X0 && r <= ARM64_REG_X28) return static_cast<uint8_t>(r - ARM64_REG_X0);
  if (r == ARM64_REG_X29) return 29;
  if (r == ARM64_REG_X30) return 30;
  if (r == ARM64_REG_XZR || r == ARM64_REG_WZR) return kZr;
  return kNoReg;
}

void decode_x86(csh h, const cs_insn& ci, Insn& in) {
  const cs_x86& x = ci.detail->x86;
  const uint64_t next = ci.address + ci.size;
  // Memory operands relative to rip, immediates that may be addresses.
  for (uint8_t i = 0; i < x.op_count; ++i) {
    const cs_x86_op& op = x.operands[i];
    if (op.type == X86_OP_MEM && op.mem.base == X86_REG_RIP && op.mem.index == X86_REG_INVALID) {
      in.mem = next + static_cast<uint64_t>(op.mem.disp);
    } else if (op.type == X86_OP_IMM && op.imm > 0x1000) {
      in.address = static_cast<uint64_t>(op.imm);
      in.absolute = true;
    }
  }
  switch (ci.id) {
    case X86_INS_SYSCALL:
      in.flow = Flow::Syscall;
      in.writes = bit(0) | bit(1) | bit(11);
      return;
    case X86_INS_CALL:
      in.writes = 0;
      if (x.op_count == 1 && x.operands[0].type == X86_OP_IMM) {
        in.flow = Flow::Call;
        in.target = static_cast<uint64_t>(x.operands[0].imm);
        in.address = 0;
      } else {
        in.flow = Flow::IndirectCall;
      }
      return;
    case X86_INS_JMP:
      if (x.op_count == 1 && x.operands[0].type == X86_OP_IMM) {
        in.flow = Flow::Jump;
        in.target = static_cast<uint64_t>(x.operands[0].imm);
        in.address = 0;
      } else {
        in.flow = Flow::IndirectJump;
      }
      return;
    case X86_INS_RET:
    case X86_INS_RETF:
    case X86_INS_RETFQ:
    case X86_INS_IRET:
    case X86_INS_IRETD:
    case X86_INS_IRETQ:
      in.flow = Flow::Return;
      return;
    case X86_INS_HLT:
    case X86_INS_UD2:
      in.flow = Flow::Stop;
      return;
    case X86_INS_ENDBR64:
      in.endbr = true;
      return;
    case X86_INS_NOP:
    case X86_INS_FNOP:
      in.nop = true;
      return;
    default:
      break;
  }
  if (cs_insn_group(h, &ci, CS_GRP_JUMP)) {
    if (x.op_count >= 1 && x.operands[x.op_count - 1].type == X86_OP_IMM) {
      in.flow = Flow::CondJump;
      in.target = static_cast<uint64_t>(x.operands[x.op_count - 1].imm);
      in.address = 0;
    } else {
      in.flow = Flow::IndirectJump;
    }
    // loop/jrcxz change rcx
    in.writes |= bit(1);
    return;
  }
  // Register effects.
  for (uint8_t i = 0; i < ci.detail->regs_write_count; ++i) {
    X86Reg r = x86_reg(ci.detail->regs_write[i]);
    if (r.index != kNoReg) in.writes |= bit(r.index);
  }
  for (uint8_t i = 0; i < x.op_count; ++i) {
    const cs_x86_op& op = x.operands[i];
    if (op.type != X86_OP_REG || !(op.access & CS_AC_WRITE)) continue;
    X86Reg r = x86_reg(op.reg);
    if (r.index != kNoReg) in.writes |= bit(r.index);
  }
  if (x.op_count < 1 || x.operands[0].type != X86_OP_REG) return;
  X86Reg d = x86_reg(x.operands[0].reg);
  if (d.index == kNoReg || !(x.operands[0].access & CS_AC_WRITE)) return;
  in.dst = d.index;
  in.op = RegOp::Unknown;
  in.writes &= ~bit(d.index);
  if (d.bits == 8 && x.op_count == 1 && ci.id >= X86_INS_SETAE && ci.id <= X86_INS_SETS) {
    in.op = RegOp::Bool;  // compilers clear the register before a setcc they widen
    return;
  }
  if (ci.id == X86_INS_MOVZX && x.op_count == 2 && x.operands[1].type == X86_OP_REG &&
      x86_reg(x.operands[1].reg).index == d.index && d.bits >= 32) {
    in.op = RegOp::Copy;  // movzx eax, al after a setcc
    in.src = d.index;
    return;
  }
  if (d.bits < 32) return;
  const cs_x86_op* src = x.op_count >= 2 ? &x.operands[1] : nullptr;
  switch (ci.id) {
    case X86_INS_MOV:
    case X86_INS_MOVABS:
    case X86_INS_MOVSXD:
      if (src && src->type == X86_OP_IMM) {
        in.op = RegOp::Const;
        in.imm = d.bits == 32 ? static_cast<int64_t>(static_cast<uint32_t>(src->imm)) : src->imm;
      } else if (src && src->type == X86_OP_REG) {
        X86Reg s = x86_reg(src->reg);
        if (s.index != kNoReg && s.bits >= 32) {
          in.op = RegOp::Copy;
          in.src = s.index;
        }
      }
      break;
    case X86_INS_XOR:
    case X86_INS_SUB:
      if (src && src->type == X86_OP_REG && x86_reg(src->reg).index == d.index) {
        in.op = RegOp::Const;
        in.imm = 0;
      } else if (ci.id == X86_INS_SUB && src && src->type == X86_OP_IMM) {
        in.op = RegOp::Copy;
        in.src = d.index;
        in.imm = -src->imm;
      }
      break;
    case X86_INS_ADD:
      if (src && src->type == X86_OP_IMM) {
        in.op = RegOp::Copy;
        in.src = d.index;
        in.imm = src->imm;
      }
      break;
    case X86_INS_INC:
    case X86_INS_DEC:
      in.op = RegOp::Copy;
      in.src = d.index;
      in.imm = ci.id == X86_INS_INC ? 1 : -1;
      break;
    case X86_INS_LEA:
      if (src && src->type == X86_OP_MEM) {
        if (src->mem.base == X86_REG_RIP && src->mem.index == X86_REG_INVALID) {
          in.op = RegOp::Const;
          in.imm = static_cast<int64_t>(next + static_cast<uint64_t>(src->mem.disp));
          in.address = static_cast<uint64_t>(in.imm);
          in.absolute = false;
          in.mem = 0;  // lea computes an address, it does not read memory
        } else if (src->mem.index == X86_REG_INVALID && x86_reg(src->mem.base).bits >= 32) {
          in.op = RegOp::Copy;
          in.src = x86_reg(src->mem.base).index;
          in.imm = src->mem.disp;
        }
      }
      break;
    default:
      break;
  }
}

struct ArmState {
  std::array<uint64_t, 31> page{};  // value of an adrp per register
  uint32_t valid = 0;
  void set(uint8_t r, uint64_t v) {
    page[r] = v;
    valid |= 1u << r;
  }
  void clear(uint8_t r) {
    if (r < 31) valid &= ~(1u << r);
  }
  bool has(uint8_t r) const { return r < 31 && (valid >> r & 1u); }
};

void decode_arm(const cs_insn& ci, Insn& in, ArmState& st) {
  const cs_arm64& a = ci.detail->arm64;
  auto imm_op = [&](int i) -> std::optional<int64_t> {
    if (i < a.op_count && a.operands[i].type == ARM64_OP_IMM) return a.operands[i].imm;
    return std::nullopt;
  };
  auto reg_op = [&](int i) -> uint8_t {
    if (i < a.op_count && a.operands[i].type == ARM64_OP_REG) return arm_reg(a.operands[i].reg);
    return kNoReg;
  };
  // Registers written: operands with write access, writeback bases, implicit writes.
  for (uint8_t i = 0; i < a.op_count; ++i) {
    const cs_arm64_op& op = a.operands[i];
    if (op.type == ARM64_OP_REG && (op.access & CS_AC_WRITE)) in.writes |= bit(arm_reg(op.reg));
    if (op.type == ARM64_OP_MEM && a.writeback) in.writes |= bit(arm_reg(op.mem.base));
  }
  for (uint8_t i = 0; i < ci.detail->regs_write_count; ++i)
    in.writes |= bit(arm_reg(ci.detail->regs_write[i]));
  in.writes &= ~bit(kZr);

  switch (ci.id) {
    case ARM64_INS_NOP:
      in.nop = true;
      return;
    case ARM64_INS_SVC:
      in.flow = Flow::Syscall;
      in.writes = bit(0);
      return;
    case ARM64_INS_BL:
      in.flow = Flow::Call;
      in.target = static_cast<uint64_t>(imm_op(0).value_or(0));
      in.writes = 0;
      return;
    case ARM64_INS_BLR:
      in.flow = Flow::IndirectCall;
      in.writes = 0;
      return;
    case ARM64_INS_B:
      in.flow = (a.cc == ARM64_CC_INVALID || a.cc == ARM64_CC_AL) ? Flow::Jump : Flow::CondJump;
      in.target = static_cast<uint64_t>(imm_op(0).value_or(0));
      st.valid = 0;
      return;
    case ARM64_INS_CBZ:
    case ARM64_INS_CBNZ:
      in.flow = Flow::CondJump;
      in.target = static_cast<uint64_t>(imm_op(1).value_or(0));
      return;
    case ARM64_INS_TBZ:
    case ARM64_INS_TBNZ:
      in.flow = Flow::CondJump;
      in.target = static_cast<uint64_t>(imm_op(2).value_or(0));
      return;
    case ARM64_INS_BR:
      in.flow = Flow::IndirectJump;
      st.valid = 0;
      return;
    case ARM64_INS_RET:
    case ARM64_INS_ERET:
      in.flow = Flow::Return;
      st.valid = 0;
      return;
    case ARM64_INS_BRK:
    case ARM64_INS_HLT:
      in.flow = Flow::Stop;
      st.valid = 0;
      return;
    default:
      break;
  }
  uint8_t d = reg_op(0);
  bool writes_dst =
      d != kNoReg && d != kZr && a.op_count >= 1 && (a.operands[0].access & CS_AC_WRITE);
  if (ci.id == ARM64_INS_ADRP || ci.id == ARM64_INS_ADR) {
    if (d < 31 && imm_op(1)) {
      in.dst = d;
      in.op = RegOp::Const;
      in.imm = *imm_op(1);
      in.writes &= ~bit(d);
      if (ci.id == ARM64_INS_ADRP)
        st.set(d, static_cast<uint64_t>(in.imm));
      else
        in.address = static_cast<uint64_t>(in.imm), st.clear(d);
    }
    return;
  }
  // Memory operands based on an adrp page: loads from the GOT and friends.
  for (uint8_t i = 0; i < a.op_count; ++i) {
    const cs_arm64_op& op = a.operands[i];
    if (op.type == ARM64_OP_MEM && op.mem.index == ARM64_REG_INVALID) {
      uint8_t b = arm_reg(op.mem.base);
      if (st.has(b)) in.mem = st.page[b] + static_cast<uint64_t>(static_cast<int64_t>(op.mem.disp));
    }
  }
  if (!writes_dst) return;
  in.dst = d;
  in.op = RegOp::Unknown;
  in.writes &= ~bit(d);
  switch (ci.id) {
    case ARM64_INS_MOV:
    case ARM64_INS_MOVZ:
      if (auto v = imm_op(1)) {
        in.op = RegOp::Const;
        uint64_t value = static_cast<uint64_t>(*v);
        const auto& sh = a.operands[1].shift;
        if (sh.type == ARM64_SFT_LSL) value <<= sh.value;
        in.imm = static_cast<int64_t>(value);
      } else if (uint8_t s = reg_op(1); s != kNoReg) {
        if (s == kZr) {
          in.op = RegOp::Const;
          in.imm = 0;
        } else {
          in.op = RegOp::Copy;
          in.src = s;
        }
      }
      break;
    case ARM64_INS_CSET:
      in.op = RegOp::Bool;
      break;
    case ARM64_INS_UXTW:
    case ARM64_INS_SXTW:
      if (uint8_t s = reg_op(1); s != kNoReg && s != kZr) {
        in.op = RegOp::Copy;
        in.src = s;
      }
      break;
    case ARM64_INS_ADD:
    case ARM64_INS_SUB:
      if (uint8_t s = reg_op(1); s != kNoReg && s != kZr) {
        if (auto v = imm_op(2)) {
          int64_t k = *v;
          if (a.operands[2].shift.type == ARM64_SFT_LSL) k <<= a.operands[2].shift.value;
          if (ci.id == ARM64_INS_SUB) k = -k;
          in.op = RegOp::Copy;
          in.src = s;
          in.imm = k;
          if (st.has(s)) in.address = st.page[s] + static_cast<uint64_t>(k);
        }
      }
      break;
    default:
      break;
  }
  st.clear(d);
  for (uint8_t r = 0; r < 31; ++r)
    if (in.writes & bit(r)) st.clear(r);
}

}  // namespace

const RegisterModel& register_model(Arch a) {
  static const RegisterModel x86{
      0,
      {7, 6, 2, 1, 8, 9},
      // rax rcx rdx rsi rdi r8-r11
      bit(0) | bit(1) | bit(2) | bit(6) | bit(7) | bit(8) | bit(9) | bit(10) | bit(11)};
  static const RegisterModel arm{8, {0, 1, 2, 3, 4, 5, 6, 7}, (uint64_t{1} << 19) - 1};
  return a == Arch::X86_64 ? x86 : arm;
}

std::string_view register_name(Arch a, uint8_t reg) {
  static constexpr std::string_view x86[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp",
                                             "rsi", "rdi", "r8",  "r9",  "r10", "r11",
                                             "r12", "r13", "r14", "r15"};
  static constexpr std::string_view arm[] = {
      "x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
      "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
      "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "xzr"};
  if (a == Arch::X86_64) return reg < 16 ? x86[reg] : "?";
  return reg < 32 ? arm[reg] : "?";
}

namespace {

// Capstone 4 sorts a table of its x86 module the first time an instruction needs it
// (X86_insn_reg_intel: accumulator registers written into the mnemonic), without a lock.
// Threads decoding at once could read the table half sorted and name the wrong register,
// which made two analyses of the same object differ now and then. One instruction that
// needs the table (add eax, imm32), and a few others, are decoded once before any other.
void warm_up(csh handle, cs_insn* insn, Arch arch) {
  static std::once_flag once[2];
  std::call_once(once[arch == Arch::X86_64 ? 0 : 1], [&] {
    static constexpr uint8_t x86[] = {0x05, 0x78, 0x56, 0x34, 0x12,        // add eax, imm32
                                      0x48, 0x05, 0x78, 0x56, 0x34, 0x12,  // add rax, imm32
                                      0xa8, 0x01,                          // test al, 1
                                      0x91,                                // xchg eax, ecx
                                      0xec};                               // in al, dx
    static constexpr uint8_t arm[] = {0x20, 0x00, 0x80, 0xd2,              // mov x0, #1
                                      0x01, 0x00, 0x00, 0xd4};             // svc #0
    const uint8_t* p = arch == Arch::X86_64 ? x86 : arm;
    size_t left = arch == Arch::X86_64 ? sizeof(x86) : sizeof(arm);
    uint64_t pc = 0x1000;
    while (left > 0 && cs_disasm_iter(handle, &p, &left, &pc, insn)) {
    }
  });
}

}  // namespace

struct Decoder::Impl {
  csh handle = 0;
  cs_insn* insn = nullptr;
};

Decoder::Decoder(Arch arch) : impl_(std::make_unique<Impl>()), arch_(arch) {
  cs_err err = arch == Arch::X86_64 ? cs_open(CS_ARCH_X86, CS_MODE_64, &impl_->handle)
                                    : cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &impl_->handle);
  if (err != CS_ERR_OK) fail("capstone: cannot open {}: {}", arch_name(arch), cs_strerror(err));
  cs_option(impl_->handle, CS_OPT_DETAIL, CS_OPT_ON);
  impl_->insn = cs_malloc(impl_->handle);
  if (!impl_->insn) {
    cs_close(&impl_->handle);
    fail("capstone: out of memory");
  }
  warm_up(impl_->handle, impl_->insn, arch);
}

Decoder::~Decoder() {
  if (impl_->insn) cs_free(impl_->insn, 1);
  cs_close(&impl_->handle);
}

size_t Decoder::decode(std::string_view code, uint64_t addr, std::vector<Insn>& out) {
  size_t skipped = 0;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(code.data());
  size_t left = code.size();
  uint64_t pc = addr;
  ArmState st;
  const size_t step = arch_ == Arch::X86_64 ? 1 : 4;
  while (left > 0) {
    if (!cs_disasm_iter(impl_->handle, &p, &left, &pc, impl_->insn)) {
      size_t n = std::min(step, left);
      p += n;
      left -= n;
      pc += n;
      ++skipped;
      st.valid = 0;
      continue;
    }
    const cs_insn& ci = *impl_->insn;
    Insn in;
    in.addr = ci.address;
    in.size = static_cast<uint8_t>(ci.size);
    if (arch_ == Arch::X86_64)
      decode_x86(impl_->handle, ci, in);
    else
      decode_arm(ci, in, st);
    out.push_back(in);
  }
  return skipped;
}

}  // namespace imgstrip
