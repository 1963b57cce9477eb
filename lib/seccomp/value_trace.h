// Backward data flow inside one function: the values a register can hold when a given
// instruction runs, following constants, register copies and constant additions along every
// path back from the instruction (through the jumps that reach it) to the function entry.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "seccomp/decoder.h"
#include "seccomp/instruction.h"

namespace imgstrip {

struct ValueSet {
  std::vector<int64_t> constants;  // sorted, unique
  std::optional<int> param;        // the function's argument (0-based) at entry, unchanged
  bool unknown = false;            // some path gives a value the analysis does not follow
  std::string why;                 // for unknown: the first reason met
  bool resolved() const { return !unknown && !param; }
};

class FunctionFlow {
 public:
  FunctionFlow(std::span<const Insn> code, const RegisterModel& model);
  // The values of register `reg` just before code[index] executes.
  ValueSet trace(size_t index, uint8_t reg) const;

 private:
  std::span<const Insn> code_;
  const RegisterModel& model_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> jumps_to_;  // target -> jump indices
};

}  // namespace imgstrip
