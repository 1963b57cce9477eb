#include "seccomp/value_trace.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace imgstrip {

namespace {

constexpr size_t kBudget = 2048;  // states explored per trace before giving up

// A state: the value of `reg` plus `addend` is wanted just before code[i] runs.
struct State {
  size_t i;
  uint8_t reg;
  int64_t addend;
  bool operator==(const State&) const = default;
};

// The states a trace has seen: open addressing with linear probing (a trace inserts at
// most kBudget + 1 states and never removes one; a tree's node allocations and
// comparisons were most of the analysis of a large object).
class SeenStates {
 public:
  SeenStates() : slots_(64) {}
  // False when `s` was there already.
  bool insert(const State& s) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    if (!place(slots_, s)) return false;
    ++size_;
    return true;
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    State state{};
    bool used = false;
  };
  static size_t hash(const State& s) {
    uint64_t h = s.i * 0x9e3779b97f4a7c15ull;
    h ^= (static_cast<uint64_t>(s.addend) + s.reg) * 0xc2b2ae3d27d4eb4full;
    return static_cast<size_t>(h ^ (h >> 29));
  }
  static bool place(std::vector<Slot>& slots, const State& s) {
    size_t mask = slots.size() - 1;
    for (size_t k = hash(s) & mask;; k = (k + 1) & mask) {
      if (!slots[k].used) {
        slots[k] = {s, true};
        return true;
      }
      if (slots[k].state == s) return false;
    }
  }
  void grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    for (const Slot& slot : slots_)
      if (slot.used) place(bigger, slot.state);
    slots_.swap(bigger);
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace

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
  // Reasons are literals, made a string once: a trace runs at every call of a large object.
  auto mark_unknown = [&](const char* why) {
    if (!out.unknown) out.why = why;
    out.unknown = true;
  };
  SeenStates seen;
  std::vector<State> work{{index, reg, 0}};
  std::vector<int64_t> values;
  std::vector<size_t> preds;
  while (!work.empty()) {
    State s = work.back();
    work.pop_back();
    if (!seen.insert(s)) continue;
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
    preds.clear();
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
