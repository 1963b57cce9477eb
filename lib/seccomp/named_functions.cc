#include "seccomp/named_functions.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "seccomp/object_analysis.h"

namespace imgstrip {
namespace {

constexpr size_t kMaxName = 128;
constexpr uint64_t kRecord = 32;  // sizeof(PyMethodDef), sizeof(zend_function_entry) on LP64

// METH_VARARGS 0x1, KEYWORDS 0x2, NOARGS 0x4, O 0x8, CLASS 0x10, STATIC 0x20, COEXIST
// 0x40, FASTCALL 0x80, STACKLESS 0x100, METHOD 0x200: one calling convention at least.
bool valid_flags(uint32_t f) {
  return (f & ~uint32_t{0x3ff}) == 0 && (f & (0x1 | 0x4 | 0x8 | 0x80)) != 0;
}

class Finder {
 public:
  Finder(const ElfFile& elf, const std::vector<Function>& functions, Interpreter by)
      : elf_(elf), functions_(functions), by_(by) {
    for (const auto& s : elf.segments()) {
      if (s.type != PT_LOAD || s.memsz == 0) continue;
      loaded_.emplace_back(s.vaddr, s.vaddr + s.memsz);
      if (!s.executable()) data_.push_back(&s);
    }
    if (elf.type() == ET_DYN) {
      for (const auto& r : elf.relocations())
        if (r.symbol.empty() && r.kind == RelocKind::Relative)
          pointers_[r.offset] = static_cast<uint64_t>(r.addend);
    } else {
      for (const ElfSegment* s : data_) {
        auto b = elf.bytes_at(s->vaddr, s->filesz);
        if (!b) continue;
        for (size_t off = (8 - s->vaddr % 8) % 8; off + 8 <= b->size(); off += 8) {
          uint64_t v;
          std::memcpy(&v, b->data() + off, 8);
          if (v != 0 && loaded(v)) pointers_[s->vaddr + off] = v;
        }
      }
    }
  }

  NamedFunctions run() {
    NamedFunctions out;
    std::map<uint64_t, NamedFunction> records;  // by record address
    for (auto [at, value] : pointers_) {
      if (!is_start(value)) continue;
      if (auto m = record(at - 8)) records.emplace(at - 8, std::move(*m));
    }
    std::set<uint64_t> names;                 // ml_name addresses of accepted records
    std::multimap<uint64_t, uint64_t> owner;  // ml_name address -> the method's function
    for (auto& [r, m] : records) {
      bool table = records.count(r - kRecord) != 0 || records.count(r + kRecord) != 0 ||
                   terminator(r + kRecord);
      if (!table) continue;
      uint64_t name = *word(r);
      names.insert(name);
      owner.emplace(name, m.function);
      out.functions.push_back(m);
    }
    std::sort(out.functions.begin(), out.functions.end(),
              [](const NamedFunction& a, const NamedFunction& b) { return a.slot < b.slot; });
    out.c_names = c_names(names, owner);
    return out;
  }

 private:
  bool loaded(uint64_t a) const {
    for (auto [b, e] : loaded_)
      if (a >= b && a < e) return true;
    return false;
  }
  bool in_data(uint64_t a) const {
    for (const ElfSegment* s : data_)
      if (a >= s->vaddr && a < s->vaddr + s->memsz) return true;
    return false;
  }
  bool is_start(uint64_t a) const {
    auto it = std::lower_bound(functions_.begin(), functions_.end(), a,
                               [](const Function& f, uint64_t v) { return f.start < v; });
    return it != functions_.end() && it->start == a;
  }
  // The word at `at`: a relocation's value, else the file's bytes.
  std::optional<uint64_t> word(uint64_t at) const {
    if (auto it = pointers_.find(at); it != pointers_.end()) return it->second;
    auto b = elf_.bytes_at(at, 8);
    if (!b || b->size() != 8) return std::nullopt;
    uint64_t v;
    std::memcpy(&v, b->data(), 8);
    return v;
  }
  // The identifier string at `a` (NUL-terminated), or nullopt.
  std::optional<std::string> identifier(uint64_t a) const {
    for (const ElfSegment* s : data_) {
      if (a < s->vaddr || a >= s->vaddr + s->filesz) continue;
      auto b = elf_.bytes_at(a, std::min<uint64_t>(kMaxName + 1, s->vaddr + s->filesz - a));
      if (!b || b->empty() || !identifier_start((*b)[0])) return std::nullopt;
      size_t n = 0;
      while (n < b->size() && identifier_char((*b)[n]))
        ++n;
      if (n >= b->size() || (*b)[n] != '\0') return std::nullopt;
      return std::string(b->substr(0, n));
    }
    return std::nullopt;
  }
  std::optional<NamedFunction> record(uint64_t r) const {
    auto name = word(r);
    auto fn = word(r + 8);
    auto third = word(r + 16);
    auto fourth = word(r + 24);
    if (!name || !fn || !third || !fourth) return std::nullopt;
    if (by_ == Interpreter::Python) {
      // ml_flags (int, padded) then ml_doc: null or a string.
      auto flags = static_cast<uint32_t>(*third);
      if (!valid_flags(flags) || (*third >> 32) != 0 || pointers_.count(r + 16) != 0)
        return std::nullopt;
      if (*fourth != 0 && !in_data(*fourth)) return std::nullopt;
    } else {
      // arg_info: data; num_args and flags (ZEND_ACC_*), two 32-bit words.
      if (!in_data(*third) || pointers_.count(r + 24) != 0) return std::nullopt;
      auto num_args = static_cast<uint32_t>(*fourth);
      auto flags = static_cast<uint32_t>(*fourth >> 32);
      if (num_args > 255 || flags >= (uint32_t{1} << 30)) return std::nullopt;
    }
    auto text = identifier(*name);
    if (!text) return std::nullopt;
    return NamedFunction{r + 8, *fn, std::move(*text), by_};
  }
  bool terminator(uint64_t r) const {
    for (uint64_t off = 0; off < kRecord; off += 8) {
      auto w = word(r + off);
      if (!w || *w != 0) return false;
    }
    return true;
  }

  std::vector<std::string> c_names(const std::set<uint64_t>& names,
                                   const std::multimap<uint64_t, uint64_t>& owner) const {
    // Who refers to each function: its local callers and takers, or data (kNotPrivate).
    constexpr uint64_t kNotPrivate = UINT64_MAX;
    std::unordered_map<uint64_t, std::set<uint64_t>> refs;
    for (const Function& f : functions_) {
      for (const auto& c : f.calls)
        if (c.import.empty()) refs[c.target].insert(f.start);
      for (uint64_t t : f.takes)
        refs[t].insert(f.start);
    }
    for (auto [at, value] : pointers_)
      refs[value].insert(kNotPrivate);
    for (const auto& s : elf_.symbols(SymbolTable::Dynamic))
      if (s.defined() && s.binding != STB_LOCAL) refs[s.value].insert(kNotPrivate);
    // `g` names a method's string only for that method's own error messages: it is the
    // method's function, or a part of it that only it calls (a .cold split).
    auto private_to = [&](uint64_t g, uint64_t e) {
      if (g == e) return true;
      auto it = refs.find(g);
      return it != refs.end() && it->second.size() == 1 && *it->second.begin() == e;
    };
    std::set<std::string> out;
    for (const Function& g : functions_) {
      for (uint64_t a : g.data_uses) {
        auto text = identifier(a);
        if (!text) continue;
        if (names.count(a) != 0) {
          auto [b, e] = owner.equal_range(a);
          bool mine =
              std::any_of(b, e, [&](const auto& o) { return private_to(g.start, o.second); });
          if (mine) continue;
        }
        out.insert(std::move(*text));
      }
    }
    // Every other identifier in data: _Py_ID() strings live inside objects in writable
    // data, and other objects' literals name functions of this one. Only the sections the
    // program's data is in: .dynstr names the imported C functions (setpriority), which
    // are no Python names.
    std::vector<std::pair<uint64_t, uint64_t>> scan;
    for (const auto& sec : elf_.sections()) {
      if ((sec.flags & SHF_ALLOC) != 0 && !sec.executable() && sec.type == SHT_PROGBITS &&
          sec.has_file_bytes())
        scan.emplace_back(sec.addr, sec.size);
    }
    if (scan.empty()) {
      for (const ElfSegment* s : data_)
        scan.emplace_back(s->vaddr, s->filesz);
    }
    for (auto [addr, size] : scan) {
      auto b = elf_.bytes_at(addr, size);
      if (!b) continue;
      size_t i = 0;
      while (i < b->size()) {
        size_t j = i;
        while (j < b->size() && identifier_char((*b)[j]) && j - i <= kMaxName)
          ++j;
        bool whole = j > i && identifier_start((*b)[i]) && j < b->size() && (*b)[j] == '\0' &&
                     (i == 0 || (*b)[i - 1] == '\0');
        if (whole && names.count(addr + i) == 0) out.emplace(b->substr(i, j - i));
        i = j + 1;
      }
    }
    return {out.begin(), out.end()};
  }

  const ElfFile& elf_;
  const std::vector<Function>& functions_;
  const Interpreter by_;
  std::vector<std::pair<uint64_t, uint64_t>> loaded_;
  std::vector<const ElfSegment*> data_;
  std::unordered_map<uint64_t, uint64_t> pointers_;  // data word -> address it holds
};

}  // namespace

std::optional<Interpreter> interpreter_api(const ElfFile& elf) {
  static const std::unordered_set<std::string_view> python = {"PyModule_Create2",
                                                              "PyModuleDef_Init",
                                                              "PyModule_FromDefAndSpec2",
                                                              "PyType_FromSpec",
                                                              "PyType_FromSpecWithBases",
                                                              "PyType_FromModuleAndSpec",
                                                              "PyType_FromMetaclass",
                                                              "PyType_Ready",
                                                              "PyModule_AddFunctions",
                                                              "PyCFunction_NewEx",
                                                              "PyCMethod_New",
                                                              "PyDescr_NewMethod"};
  static const std::unordered_set<std::string_view> php = {
      "zend_register_functions",      "zend_register_internal_class_ex",
      "zend_register_internal_class", "zend_register_internal_interface",
      "zend_startup_module_ex",       "zend_register_module_ex"};
  for (const auto& s : elf.symbols(SymbolTable::Dynamic)) {
    if (python.count(s.name) != 0) return Interpreter::Python;
    if (php.count(s.name) != 0) return Interpreter::Php;
    // A PHP extension: the engine registers the functions of the module get_module returns.
    if (s.name == "get_module" && s.defined()) return Interpreter::Php;
  }
  return std::nullopt;
}

NamedFunctions find_named_functions(const ElfFile& elf, const std::vector<Function>& functions) {
  auto by = interpreter_api(elf);
  if (!by) return {};
  return Finder(elf, functions, *by).run();
}

bool protocol_name(std::string_view name) {
  return name.size() > 4 && name.starts_with("__") && name.ends_with("__");
}

}  // namespace imgstrip
