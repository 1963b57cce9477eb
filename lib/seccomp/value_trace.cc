#include "seccomp/value_trace.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory_resource>
#include <set>
#include <tuple>

namespace imgstrip {

namespace {
constexpr size_t kBudget = 2048;  // states explored per trace before giving up
}

FunctionFlow::FunctionFlow(std::span<const Insn> code, const RegisterModel& model)
    : code_(code), model_(model) {
  if (code.empty()) return;
  uint64_t lo = code.front().addr, hi = code.back().end();
  for (size_t i = 0; i < code.size(); ++i) {
    const Insn& in = code[i];
    if ((in.flow == Flow::Jump || in.flow == Flow::CondJump) && in.target >= lo && in.target < hi)
      jumps_to_[in.target].push_back(static_cast<uint32_t>(i));
  }
}

ValueSet FunctionFlow::trace(size_t index, uint8_t reg) const {
  ValueSet out;
  auto mark_unknown = [&](std::string why) {
    if (!out.unknown) out.why = std::move(why);
    out.unknown = true;
  };
  // A state: the value of `reg` plus `addend` is wanted just before code[i] runs.
  struct State {
    size_t i;
    uint8_t reg;
    int64_t addend;
    auto operator<=>(const State&) const = default;
  };
  // Most traces visit a handful of states: their nodes come from a buffer on the stack.
  std::array<std::byte, 16384> buffer;
  std::pmr::monotonic_buffer_resource arena(buffer.data(), buffer.size());
  std::pmr::set<State> seen(&arena);
  std::vector<State> work{{index, reg, 0}};
  std::vector<int64_t> values;
  while (!work.empty()) {
    State s = work.back();
    work.pop_back();
    if (!seen.insert(s).second) continue;
    if (seen.size() > kBudget) {
      mark_unknown("too many paths");
      break;
    }
    // Predecessors of code[s.i]: the instruction before it (if it falls through) and every
    // jump to it; at the function entry, the caller's argument registers.
    bool any = false;
    if (s.i == 0) {
      any = true;
      auto it = std::find(model_.params.begin(), model_.params.end(), s.reg);
      if (it != model_.params.end() && s.addend == 0) {
        int k = static_cast<int>(it - model_.params.begin());
        if (out.param && *out.param != k)
          mark_unknown("two different arguments");
        else
          out.param = k;
      } else {
        mark_unknown("not an argument at function entry");
      }
    }
    std::vector<size_t> preds;
    if (s.i > 0 && code_[s.i - 1].falls_through()) preds.push_back(s.i - 1);
    if (auto it = jumps_to_.find(code_[s.i].addr); it != jumps_to_.end())
      for (uint32_t j : it->second)
        if (j != s.i - 1 || !code_[j].falls_through()) preds.push_back(j);
    if (!preds.empty()) any = true;
    if (!any && code_[s.i].nop) continue;  // alignment padding after a jump: not a path
    if (!any) {
      mark_unknown("reached without a known predecessor (indirect jump)");
      continue;
    }
    for (size_t p : preds) {
      const Insn& in = code_[p];
      if (in.op != RegOp::None && in.dst == s.reg) {
        switch (in.op) {
          case RegOp::Const:
            values.push_back(in.imm + s.addend);
            break;
          case RegOp::Bool:
            values.push_back(s.addend);
            values.push_back(1 + s.addend);
            break;
          case RegOp::Copy:
            work.push_back({p, in.src, s.addend + in.imm});
            break;
          default:
            mark_unknown("loaded or computed");
            break;
        }
        continue;
      }
      if ((in.writes >> s.reg) & 1u) {
        mark_unknown(in.flow == Flow::Syscall ? "result of a system call"
                                              : "changed by an instruction");
        continue;
      }
      if ((in.flow == Flow::Call || in.flow == Flow::IndirectCall) &&
          ((model_.call_clobbers >> s.reg) & 1u)) {
        mark_unknown("changed by a call");
        continue;
      }
      work.push_back({p, s.reg, s.addend});
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  out.constants = std::move(values);
  return out;
}

}  // namespace imgstrip
