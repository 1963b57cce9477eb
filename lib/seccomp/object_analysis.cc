#include "seccomp/object_analysis.h"

#include <elf.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <functional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "seccomp/argument_filter.h"
#include "seccomp/decoder.h"
#include "seccomp/eh_frame.h"
#include "seccomp/symbol_lookup.h"

namespace imgstrip {

namespace {

struct CodeRange {
  uint64_t addr = 0;
  std::string_view bytes;
  bool plt = false;
  uint64_t end() const { return addr + bytes.size(); }
};

// Executable sections, or executable segments when there are no section headers.
std::vector<CodeRange> code_ranges(const ElfFile& elf) {
  std::vector<CodeRange> out;
  for (const ElfSection* s : elf.executable_sections()) {
    if (!(s->flags & SHF_ALLOC)) continue;
    auto b = elf.section_bytes(*s);
    if (!b || b->empty()) continue;
    out.push_back({s->addr, *b, s->name.starts_with(".plt") || s->name == ".iplt"});
  }
  if (out.empty()) {
    for (const auto& seg : elf.segments()) {
      if (seg.type != PT_LOAD || !seg.executable()) continue;
      if (auto b = elf.bytes_at(seg.vaddr, seg.filesz); b && !b->empty())
        out.push_back({seg.vaddr, *b, false});
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.addr < b.addr; });
  // Overlapping code (a damaged section table): keep the first of each overlap.
  std::vector<CodeRange> disjoint;
  for (const auto& r : out)
    if (disjoint.empty() || r.addr >= disjoint.back().end()) disjoint.push_back(r);
  return disjoint;
}

const CodeRange* range_of(const std::vector<CodeRange>& ranges, uint64_t addr) {
  for (const auto& r : ranges)
    if (addr >= r.addr && addr < r.end()) return &r;
  return nullptr;
}

// The index of the instruction at `addr` in `code` (sorted by address).
std::optional<size_t> index_of(std::span<const Insn> code, uint64_t addr) {
  auto it = std::lower_bound(code.begin(), code.end(), addr,
                             [](const Insn& in, uint64_t a) { return in.addr < a; });
  if (it == code.end() || it->addr != addr) return std::nullopt;
  return static_cast<size_t>(it - code.begin());
}

bool is_function_symbol(const ElfSymbol& s) {
  return s.defined() && s.value != 0 && (s.type == STT_FUNC || s.type == STT_GNU_IFUNC);
}

class Analyzer {
 public:
  explicit Analyzer(const ElfFile& elf)
      : elf_(elf), pic_(elf.type() == ET_DYN && !elf.dynamic().textrel) {}
  ObjectAnalysis run();

 private:
  void find_plt_stubs(const CodeRange& r, Decoder& dec);
  void add_import_call(Function& f, const Insn& in, const std::string& sym, bool tail);
  const std::string* import_slot(uint64_t slot) const;
  // What each function does, on every core: each decode segment is decoded again and its
  // functions analysed by one thread, which writes their results; the GOT slots read and
  // the notes are gathered per thread and merged in function order, so the result does not
  // depend on the number of threads.
  void analyse_functions();
  struct FunctionNotes {
    std::set<uint64_t> got_used;
    std::vector<std::pair<size_t, std::string>> notes;  // by function index
  };
  void analyse_function(Function& f, std::span<const Insn> code, size_t fi, FunctionNotes& out);
  // Traces, at each call to a function of this object, the argument `param_of(caller, call,
  // callee)` names (none: skip) and hands it to `record(caller, call, value)`, which returns
  // true when the caller became a function of that kind itself; rounds run until none does.
  template <typename ParamOf, typename Record>
  void trace_local_calls(ParamOf param_of, Record record);
  void resolve_wrappers();
  void resolve_arguments();
  void resolve_lookups();
  void add_data_refs();
  // The first pass: decodes every segment (the code between consecutive `starts`, so that
  // decoding resynchronises at each of them) on every core, keeping only the code map and
  // the direct call targets. Decoding is linear and starts afresh at each segment, so a
  // segment decoded again later gives the same instructions.
  void map_code(const std::set<uint64_t>& starts);
  // Calls f(index, code) for each segment index in [0, segments_.size()) on every core,
  // with the segment's instructions; rethrows the first error.
  void for_each_segment(const std::function<void(unsigned, size_t, std::span<const Insn>)>& f,
                        unsigned threads);
  // The instructions of function `fi`, decoded again.
  std::vector<Insn> code_of(size_t fi);
  // The code map: per code range (not PLT), per byte, the size of the instruction that
  // starts there (0: none; kPadding set: a nop). 1 byte per byte of code, where holding
  // every decoded instruction took 56 (libnode: 400 MB).
  static constexpr uint8_t kPadding = 0x80;
  uint8_t insn_at(const CodeRange& r, uint64_t addr) const {
    return sizes_[static_cast<size_t>(&r - ranges_.data())][addr - r.addr];
  }
  struct Segment {
    uint64_t from = 0, to = 0;
    const CodeRange* range = nullptr;
    std::string_view bytes() const { return range->bytes.substr(from - range->addr, to - from); }
  };
  // Where function `fi`'s instructions end at the latest: the next function's start.
  uint64_t limit_of(size_t fi) const {
    return fi + 1 < out_.functions.size() ? out_.functions[fi + 1].start : UINT64_MAX;
  }

  const ElfFile& elf_;
  const bool pic_;  // position-independent code: immediates are not addresses
  ObjectAnalysis out_;
  std::vector<CodeRange> ranges_;
  std::vector<std::pair<uint64_t, uint64_t>> data_;  // non-executable PT_LOAD [begin, end)
  bool in_data(uint64_t a) const {
    for (auto [b, e] : data_)
      if (a >= b && a < e) return true;
    return false;
  }
  std::unordered_map<uint64_t, std::string> stubs_;     // PLT stub address -> symbol
  std::unordered_map<uint64_t, uint64_t> ifunc_stubs_;  // PLT stub -> local IFUNC resolver
  std::set<uint64_t> got_used_;                         // GOT slots read by code
  std::vector<std::vector<uint8_t>> sizes_;             // the code map, per range
  std::vector<Segment> segments_;                       // sorted, disjoint
  std::vector<uint64_t> call_targets_;                  // of direct calls, unsorted
  uint64_t instruction_count_ = 0;
};

void Analyzer::find_plt_stubs(const CodeRange& r, Decoder& dec) {
  std::vector<Insn> code;
  dec.decode(r.bytes, r.addr, code);
  std::unordered_map<uint64_t, uint64_t> irelative;  // GOT slot -> resolver
  for (const auto& rel : elf_.relocations())
    if (rel.symbol.empty() && rel.kind == RelocKind::Other)
      irelative[rel.offset] = static_cast<uint64_t>(rel.addend);
  for (size_t i = 0; i < code.size(); ++i) {
    const Insn& in = code[i];
    if (!in.mem) continue;
    const ElfRelocation* rel = elf_.symbol_slot_at(in.mem);
    if (!rel || rel->symbol.empty()) {
      // A slot filled by an IRELATIVE relocation: the stub calls what the resolver picks.
      if (auto it = irelative.find(in.mem);
          it != irelative.end() && (in.flow == Flow::IndirectJump || out_.arch == Arch::Aarch64)) {
        uint64_t stub = in.addr;
        if (i > 0 && code[i - 1].endbr && code[i - 1].end() == in.addr) stub = code[i - 1].addr;
        if (out_.arch == Arch::Aarch64 && i > 0 && code[i - 1].end() == in.addr)
          stub = code[i - 1].addr;
        ifunc_stubs_[stub] = it->second;
        ifunc_stubs_[in.addr] = it->second;
      }
      continue;
    }
    got_used_.insert(in.mem);
    uint64_t stub = in.addr;
    if (out_.arch == Arch::X86_64) {
      if (in.flow != Flow::IndirectJump) continue;
      if (i > 0 && code[i - 1].endbr && code[i - 1].end() == in.addr)
        stubs_[code[i - 1].addr] = rel->symbol;
    } else {
      // adrp x16, page; ldr x17, [x16, #off]; add x16, x16, #off; br x17
      if (i > 0 && code[i - 1].end() == in.addr) stub = code[i - 1].addr;
    }
    stubs_[stub] = rel->symbol;
    stubs_[in.addr] = rel->symbol;
  }
}

const std::string* Analyzer::import_slot(uint64_t slot) const {
  const ElfRelocation* rel = elf_.symbol_slot_at(slot);
  if (!rel || rel->symbol.empty()) return nullptr;
  return &rel->symbol;
}

void Analyzer::add_import_call(Function& f, const Insn& in, const std::string& sym, bool tail) {
  CallSite c;
  c.addr = in.addr;
  c.import = sym;
  c.tail = tail;
  f.calls.push_back(std::move(c));
}

void Analyzer::for_each_segment(
    const std::function<void(unsigned, size_t, std::span<const Insn>)>& f, unsigned threads) {
  std::atomic<size_t> next{0};
  constexpr size_t kChunk = 64;
  std::vector<std::exception_ptr> errors(threads);
  auto work = [&](unsigned t) {
    try {
      Decoder dec(out_.arch);
      std::vector<Insn> code;
      for (size_t from = next.fetch_add(kChunk); from < segments_.size();
           from = next.fetch_add(kChunk)) {
        size_t to = std::min(segments_.size(), from + kChunk);
        for (size_t si = from; si < to; ++si) {
          const Segment& seg = segments_[si];
          code.clear();
          dec.decode(seg.bytes(), seg.from, code);
          f(t, si, code);
        }
      }
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool)
    th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

unsigned worker_threads(size_t items) {
  constexpr size_t kMinimum = 1024;  // below this, threads cost more than they save
  if (items < kMinimum) return 1;
  return std::max(1u, std::thread::hardware_concurrency());
}

// A function's instructions: those of its segment from its start up to the next function's.
std::span<const Insn> function_code(std::span<const Insn> segment, uint64_t start, uint64_t limit) {
  auto lo = std::lower_bound(segment.begin(), segment.end(), start,
                             [](const Insn& in, uint64_t a) { return in.addr < a; });
  auto hi = std::lower_bound(lo, segment.end(), limit,
                             [](const Insn& in, uint64_t a) { return in.addr < a; });
  return std::span<const Insn>(lo, hi);
}

void Analyzer::analyse_functions() {
  unsigned threads = worker_threads(out_.functions.size());
  std::vector<FunctionNotes> per_thread(threads);
  for_each_segment(
      [&](unsigned t, size_t si, std::span<const Insn> code) {
        // The functions starting in the segment: their code ends by the next start, so in it.
        const Segment& seg = segments_[si];
        auto first = std::lower_bound(out_.functions.begin(), out_.functions.end(), seg.from,
                                      [](const Function& f, uint64_t a) { return f.start < a; });
        for (auto i = static_cast<size_t>(first - out_.functions.begin());
             i < out_.functions.size() && out_.functions[i].start < seg.to; ++i) {
          analyse_function(out_.functions[i],
                           function_code(code, out_.functions[i].start, limit_of(i)), i,
                           per_thread[t]);
        }
      },
      threads);
  std::vector<std::pair<size_t, std::string>> notes;
  for (auto& p : per_thread) {
    got_used_.insert(p.got_used.begin(), p.got_used.end());
    for (auto& n : p.notes)
      notes.push_back(std::move(n));
  }
  std::stable_sort(notes.begin(), notes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& n : notes)
    out_.notes.push_back(std::move(n.second));
}

std::vector<Insn> Analyzer::code_of(size_t fi) {
  const Function& f = out_.functions[fi];
  auto it = std::upper_bound(segments_.begin(), segments_.end(), f.start,
                             [](uint64_t a, const Segment& seg) { return a < seg.from; });
  std::vector<Insn> code;
  if (it == segments_.begin()) return code;
  const Segment& seg = *std::prev(it);
  Decoder dec(out_.arch);
  dec.decode(seg.bytes(), seg.from, code);
  std::span<const Insn> mine = function_code(code, f.start, limit_of(fi));
  return std::vector<Insn>(mine.begin(), mine.end());
}

void Analyzer::analyse_function(Function& f, std::span<const Insn> code, size_t fi,
                                FunctionNotes& mine) {
  const RegisterModel& model = register_model(out_.arch);
  FunctionFlow flow(code, model);
  std::set<uint64_t> takes, data_uses;
  std::set<std::string> takes_imports;
  for (size_t i = 0; i < code.size(); ++i) {
    const Insn& in = code[i];
    if (in.mem && in_data(in.mem)) data_uses.insert(in.mem);
    // Position-independent code forms addresses relative to itself: an immediate is a
    // number there (mktime's 601200 seconds is no pointer into libc's text).
    const uint64_t address = pic_ && in.absolute ? 0 : in.address;
    if (address && in_data(address)) data_uses.insert(address);
    switch (in.flow) {
      case Flow::Syscall: {
        SyscallSite site{in.addr, flow.trace(i, model.number), std::nullopt};
        for (int64_t v : site.number.constants) {
          if (v >= 0 && v <= 0xffff && traces_first_argument(out_.arch, static_cast<int>(v))) {
            site.arg0 = flow.trace(i, model.params[0]);
            break;
          }
        }
        f.syscalls.push_back(std::move(site));
        break;
      }
      case Flow::Call:
      case Flow::Jump: {
        bool tail = in.flow == Flow::Jump;
        if (tail && in.target >= f.start && in.target < f.end) break;
        uint64_t target = in.target;
        if (auto it = ifunc_stubs_.find(target); it != ifunc_stubs_.end()) target = it->second;
        if (auto it = stubs_.find(target); it != stubs_.end()) {
          add_import_call(f, in, it->second, tail);
          f.calls.back().number = flow.trace(i, model.params[0]);
        } else if (auto idx = out_.index_at(target)) {
          if (in.flow == Flow::Call && in.target == in.end()) break;  // call next; pop (pc thunk)
          CallSite c;
          c.addr = in.addr;
          c.target = out_.functions[*idx].start;
          c.tail = tail;
          f.calls.push_back(std::move(c));
        } else if (in.flow == Flow::Call) {
          mine.notes.emplace_back(fi, fmt::format("{}: call at {:#x} to {:#x} outside the code",
                                                  elf_.name(), in.addr, in.target));
        }
        break;
      }
      case Flow::IndirectCall:
      case Flow::IndirectJump:
        if (in.mem) {
          if (const std::string* sym = import_slot(in.mem)) {
            mine.got_used.insert(in.mem);
            add_import_call(f, in, *sym, in.flow == Flow::IndirectJump);
            f.calls.back().number = flow.trace(i, model.params[0]);
          }
        }
        break;
      default:
        if (in.mem) {
          if (const std::string* sym = import_slot(in.mem)) {
            mine.got_used.insert(in.mem);
            takes_imports.insert(*sym);
          }
        }
        break;
    }
    if (address) {
      if (auto it = stubs_.find(address); it != stubs_.end()) {
        takes_imports.insert(it->second);
      } else if (auto idx = out_.index_at(address)) {
        takes.insert(out_.functions[*idx].start);
      }
    }
  }
  f.takes.assign(takes.begin(), takes.end());
  f.takes_imports.assign(takes_imports.begin(), takes_imports.end());
  f.data_uses.assign(data_uses.begin(), data_uses.end());
  for (const auto& s : f.syscalls) {
    if (s.number.param && !f.number_param) f.number_param = s.number.param;
    if (s.arg0 && s.arg0->param && !f.argument_param) f.argument_param = s.arg0->param;
  }
  for (const auto& c : f.calls)
    if (!c.import.empty() && c.number && c.number->param && !f.argument_param &&
        passes_first_argument(c.import))
      f.argument_param = c.number->param;
}

template <typename ParamOf, typename Record>
void Analyzer::trace_local_calls(ParamOf param_of, Record record) {
  const RegisterModel& model = register_model(out_.arch);
  for (int round = 0; round < 16; ++round) {
    bool changed = false;
    for (size_t fi = 0; fi < out_.functions.size(); ++fi) {
      Function& f = out_.functions[fi];
      std::vector<Insn> code;  // decoded again when a call needs tracing
      std::optional<FunctionFlow> flow;
      for (auto& c : f.calls) {
        if (!c.import.empty()) continue;
        auto idx = out_.index_at(c.target);
        if (!idx) continue;
        std::optional<int> k = param_of(f, c, out_.functions[*idx]);
        if (!k || static_cast<size_t>(*k) >= model.params.size()) continue;
        if (!flow) {
          code = code_of(fi);
          flow.emplace(code, model);
        }
        auto at = index_of(code, c.addr);
        if (!at) continue;
        if (record(f, c, flow->trace(*at, model.params[static_cast<size_t>(*k)]))) changed = true;
      }
    }
    if (!changed) break;
  }
}

// Wrappers of wrappers: a function that passes its own argument on as the number of a
// local wrapper is a wrapper too. Every call to a local wrapper records the number it passes.
void Analyzer::resolve_wrappers() {
  trace_local_calls(
      [](const Function&, const CallSite& c, const Function& callee) {
        return c.number ? std::nullopt : callee.number_param;
      },
      [](Function& f, CallSite& c, ValueSet v) {
        c.number = std::move(v);
        if (!c.number->param || f.number_param) return false;
        f.number_param = c.number->param;
        return true;
      });
}

// Wrappers of argument wrappers (argument_filter.h): every call to a local function that
// passes an argument on as the first one of a traced system call records the value it
// passes; a caller passing its own argument is such a function too.
void Analyzer::resolve_arguments() {
  trace_local_calls(
      [](const Function& f, const CallSite& c, const Function& callee) {
        return f.passed_at(c.addr) ? std::nullopt : callee.argument_param;
      },
      [](Function& f, const CallSite& c, ValueSet v) {
        bool passes_own = v.param && !f.argument_param;
        if (passes_own) f.argument_param = v.param;
        auto pos = std::lower_bound(f.passes.begin(), f.passes.end(), c.addr,
                                    [](const PassedArgument& p, uint64_t a) { return p.call < a; });
        f.passes.insert(pos, PassedArgument{c.addr, std::move(v)});
        return passes_own;
      });
}

// Symbol lookups: each call to a lookup function (an import, or a function of this object
// named like one) or to a lookup wrapper of this object traces the name argument. A name
// that is the caller's own argument makes the caller a lookup wrapper, resolved at its
// callers; a wrapper that other objects or pointers can call is a lookup of unknown names.
void Analyzer::resolve_lookups() {
  const RegisterModel& model = register_model(out_.arch);
  auto name_argument = [&](const CallSite& c) -> std::optional<int> {
    if (!c.import.empty()) return lookup_name_argument(c.import);
    auto idx = out_.index_at(c.target);
    if (!idx) return std::nullopt;
    const Function& callee = out_.functions[*idx];
    if (auto k = lookup_name_argument(callee.name)) return k;
    return callee.name_param;
  };
  std::vector<std::set<uint64_t>> done(out_.functions.size());
  for (int round = 0; round < 16; ++round) {
    bool changed = false;
    for (size_t fi = 0; fi < out_.functions.size(); ++fi) {
      Function& f = out_.functions[fi];
      if (lookup_name_argument(f.name)) continue;  // the lookup function's own code
      std::vector<Insn> code;                      // decoded again when a call needs tracing
      std::optional<FunctionFlow> flow;
      for (const CallSite& c : f.calls) {
        auto k = name_argument(c);
        if (!k || static_cast<size_t>(*k) >= model.params.size()) continue;
        if (!done[fi].insert(c.addr).second) continue;
        if (!flow) {
          code = code_of(fi);
          flow.emplace(code, model);
        }
        auto at = index_of(code, c.addr);
        if (!at) continue;
        ValueSet v = flow->trace(*at, model.params[static_cast<size_t>(*k)]);
        SymbolLookup l{c.addr, {}, v.unknown, v.why};
        for (int64_t a : v.constants) {
          if (auto name = c_string_at(elf_, static_cast<uint64_t>(a))) {
            l.names.push_back(std::move(*name));
          } else if (!l.unknown) {
            l.unknown = true;
            l.why = fmt::format("{:#x} is not a string in the file", a);
          }
        }
        if (v.param && !f.name_param) {
          f.name_param = v.param;
          changed = true;
        } else if (v.param && *f.name_param != *v.param && !l.unknown) {
          l.unknown = true;
          l.why = "the name is one of two arguments";
        }
        if (!l.names.empty() || l.unknown) f.lookups.push_back(std::move(l));
      }
    }
    if (!changed) break;
  }
  std::set<uint64_t> pointed(out_.data_refs.begin(), out_.data_refs.end());
  for (const auto& s : out_.data_slots)
    if (s.function) pointed.insert(s.function);
  for (const auto& f : out_.functions)
    pointed.insert(f.takes.begin(), f.takes.end());
  for (const auto& [name, start] : out_.exports)
    pointed.insert(start);
  for (Function& f : out_.functions)
    if (f.name_param && !lookup_name_argument(f.name) && pointed.count(f.start))
      f.lookups.push_back({f.start,
                           {},
                           true,
                           fmt::format("the name is argument {} of a lookup wrapper that is "
                                       "exported or called through a pointer",
                                       *f.name_param)});
}

void Analyzer::add_data_refs() {
  // Position-dependent code names data by absolute addresses the decoder does not follow
  // (index registers, absolute operands): there every function address in data is a root.
  bool blocks = elf_.type() == ET_DYN;
  std::set<uint64_t> refs, anchors;
  std::set<std::string> imports;
  auto add_addr = [&](uint64_t addr) {
    if (auto it = stubs_.find(addr); it != stubs_.end())
      imports.insert(it->second);
    else if (auto idx = out_.index_at(addr))
      refs.insert(out_.functions[*idx].start);
  };
  for (const auto& r : elf_.relocations()) {
    if (r.symbol.empty()) {
      auto target = static_cast<uint64_t>(r.addend);
      if (r.kind == RelocKind::Relative && blocks && !stubs_.count(target)) {
        if (auto idx = out_.index_at(target)) {
          out_.data_slots.push_back({r.offset, out_.functions[*idx].start, 0});
        } else if (in_data(target)) {
          out_.data_slots.push_back({r.offset, 0, target});
          anchors.insert(target);
        }
      } else if (r.kind == RelocKind::Relative || r.kind == RelocKind::Other) {
        add_addr(target);
      }
      continue;
    }
    if (r.kind == RelocKind::JumpSlot) continue;
    if (r.kind == RelocKind::GlobDat && got_used_.count(r.offset)) continue;
    imports.insert(r.symbol);
  }
  // Position-dependent executables hold absolute code addresses in their data; the slots
  // of functions called by name among them are rooted by name in the call graph.
  std::unordered_set<uint64_t> methods;
  for (const auto& m : out_.named.functions)
    methods.insert(m.slot);
  if (elf_.type() == ET_EXEC && elf_.elf_class() == ElfClass::Elf64) {
    for (const auto& seg : elf_.segments()) {
      if (seg.type != PT_LOAD || seg.executable()) continue;
      auto b = elf_.bytes_at(seg.vaddr, seg.filesz);
      if (!b) continue;
      for (size_t off = (8 - seg.vaddr % 8) % 8; off + 8 <= b->size(); off += 8) {
        uint64_t v;
        std::memcpy(&v, b->data() + off, 8);
        if (range_of(ranges_, v) && methods.count(seg.vaddr + off) == 0) add_addr(v);
      }
    }
  }
  if (blocks) {
    for (auto [b, e] : data_)
      anchors.insert(b);
    // Addresses code names start weak blocks: code often names a field inside an object
    // (nginx's ngx_epoll_init copies ngx_epoll_module_ctx.actions, the table that leads
    // to it), so a pointer in data reaches on through weak blocks up to the next strong one.
    std::set<uint64_t> strong = anchors;
    for (const auto& f : out_.functions)
      anchors.insert(f.data_uses.begin(), f.data_uses.end());
    std::set<uint64_t> roots;
    for (const auto& s : elf_.symbols(SymbolTable::Dynamic)) {
      if (!s.defined() || s.binding == STB_LOCAL ||
          (s.type != STT_OBJECT && s.type != STT_NOTYPE) || !in_data(s.value))
        continue;
      anchors.insert(s.value);
      roots.insert(s.value);
    }
    out_.data_roots.assign(roots.begin(), roots.end());
    std::sort(out_.data_slots.begin(), out_.data_slots.end(),
              [](const DataSlot& a, const DataSlot& b) { return a.at < b.at; });
    out_.data_anchors.assign(anchors.begin(), anchors.end());
    out_.data_strong.reserve(out_.data_anchors.size());
    for (uint64_t a : out_.data_anchors)
      out_.data_strong.push_back(strong.count(a) || roots.count(a));
  }
  out_.data_refs.assign(refs.begin(), refs.end());
  out_.data_imports.assign(imports.begin(), imports.end());
}

void Analyzer::map_code(const std::set<uint64_t>& starts) {
  segments_.clear();
  for (const auto& r : ranges_) {
    if (r.plt) continue;
    auto it = starts.lower_bound(r.addr);
    while (it != starts.end() && *it < r.end()) {
      auto next = std::next(it);
      uint64_t to = (next != starts.end() && *next < r.end()) ? *next : r.end();
      segments_.push_back({*it, to, &r});
      it = next;
    }
  }
  sizes_.assign(ranges_.size(), {});
  for (size_t ri = 0; ri < ranges_.size(); ++ri)
    if (!ranges_[ri].plt) sizes_[ri].assign(ranges_[ri].bytes.size(), 0);
  unsigned threads = worker_threads(segments_.size());
  std::vector<std::vector<uint64_t>> calls(threads);
  std::vector<uint64_t> counts(threads, 0);
  for_each_segment(
      [&](unsigned t, size_t si, std::span<const Insn> code) {
        const CodeRange& r = *segments_[si].range;
        for (const Insn& in : code) {
          sizes_[static_cast<size_t>(&r - ranges_.data())][in.addr - r.addr] =
              static_cast<uint8_t>(in.size | (in.nop ? kPadding : 0));
          if (in.flow == Flow::Call && in.target != in.end()) calls[t].push_back(in.target);
        }
        counts[t] += code.size();
      },
      threads);
  call_targets_.clear();
  instruction_count_ = 0;
  for (unsigned t = 0; t < threads; ++t) {
    call_targets_.insert(call_targets_.end(), calls[t].begin(), calls[t].end());
    instruction_count_ += counts[t];
  }
}

ObjectAnalysis Analyzer::run() {
  auto arch = arch_of_machine(elf_.machine());
  if (!arch)
    fail("{}: cannot analyse system calls of {} code", elf_.name(), machine_name(elf_.machine()));
  if (elf_.elf_class() != ElfClass::Elf64 || elf_.endian() != ElfEndian::Little)
    fail("{}: only little-endian ELF64 is analysed", elf_.name());
  out_.arch = *arch;
  ranges_ = code_ranges(elf_);
  for (const auto& seg : elf_.segments())
    if (seg.type == PT_LOAD && !seg.executable() && seg.memsz > 0)
      data_.emplace_back(seg.vaddr, seg.vaddr + seg.memsz);
  for (const auto& n : elf_.notes())
    out_.notes.push_back(n);

  Decoder dec(out_.arch);
  for (const auto& r : ranges_)
    if (r.plt) find_plt_stubs(r, dec);

  // Function starts: symbols, unwind table, entry, init/fini, every range's start.
  std::set<uint64_t> starts;
  std::map<uint64_t, std::string> names;
  for (auto table : {SymbolTable::Static, SymbolTable::Dynamic}) {
    for (const auto& s : elf_.symbols(table)) {
      if (!is_function_symbol(s)) continue;
      const CodeRange* r = range_of(ranges_, s.value);
      if (!r || r->plt) continue;
      starts.insert(s.value);
      auto [it, fresh] = names.emplace(s.value, s.name);
      if (!fresh && s.binding != STB_LOCAL && table == SymbolTable::Dynamic) it->second = s.name;
    }
  }
  std::vector<uint64_t> inits = elf_.init_functions(), finis = elf_.fini_functions();
  for (auto* list : {&inits, &finis})
    for (uint64_t a : *list)
      if (const CodeRange* r = range_of(ranges_, a); r && !r->plt) starts.insert(a);
  if (const CodeRange* r = range_of(ranges_, elf_.entry()); r && !r->plt)
    starts.insert(elf_.entry());
  for (const auto& r : ranges_)
    if (!r.plt) starts.insert(r.addr);

  // Decode linearly, restarting at every start the symbols give. Unwind-table starts are
  // then checked against that decoding: one inside padding moves to the padding's end (the
  // FDE of a signal trampoline begins a byte early on purpose), one inside another
  // instruction means the sweep lost step there, and the code is decoded again with it.
  map_code(starts);
  std::set<uint64_t> resync;
  for (uint64_t a : eh_frame_function_starts(elf_, out_.notes)) {
    const CodeRange* r = range_of(ranges_, a);
    if (!r || r->plt) continue;
    // The instruction starting at or before `a` that may cover it (no instruction is
    // longer than 15 bytes).
    uint64_t at = a;
    uint8_t v = 0;
    while (true) {
      if ((v = insn_at(*r, at)) != 0 || at == r->addr || a - at >= 15) break;
      --at;
    }
    if (v != 0) {
      uint64_t end = at + (v & ~kPadding);
      if (at == a) {
        starts.insert(a);
        continue;
      }
      if (a < end) {
        if (v & kPadding)
          starts.insert(end);
        else
          resync.insert(a);
        continue;
      }
    }
    starts.insert(a);
  }
  if (!resync.empty()) {
    starts.insert(resync.begin(), resync.end());
    map_code(starts);
  }
  out_.instructions = instruction_count_;
  // Direct call targets start functions too.
  for (uint64_t target : call_targets_)
    if (!stubs_.count(target) && !ifunc_stubs_.count(target))
      if (const CodeRange* r = range_of(ranges_, target); r && !r->plt) starts.insert(target);
  std::vector<uint64_t>().swap(call_targets_);

  // Split the code into functions at the starts: each runs from its start to the end of the
  // last instruction that starts before the next one.
  for (auto it = starts.begin(); it != starts.end(); ++it) {
    const CodeRange* r = range_of(ranges_, *it);
    if (!r || r->plt) continue;
    auto next = std::next(it);
    uint64_t limit = std::min(next == starts.end() ? UINT64_MAX : *next, r->end());
    uint64_t first = *it;
    while (first < limit && insn_at(*r, first) == 0)
      ++first;
    if (first >= limit) continue;  // nothing decoded here (or a start inside an insn)
    uint64_t last = limit - 1;
    while (insn_at(*r, last) == 0)
      --last;
    Function f;
    f.start = *it;
    f.end = last + (insn_at(*r, last) & ~kPadding);
    if (auto n = names.find(*it); n != names.end()) f.name = n->second;
    out_.functions.push_back(std::move(f));
  }
  std::vector<std::vector<uint8_t>>().swap(sizes_);

  analyse_functions();
  resolve_wrappers();
  resolve_arguments();

  if (auto idx = out_.index_at(elf_.entry()); idx && elf_.entry() != 0)
    out_.entry = out_.functions[*idx].start;
  out_.named = find_named_functions(elf_, out_.functions);
  for (auto [list, dest] : {std::pair{&inits, &out_.init}, std::pair{&finis, &out_.fini}})
    for (uint64_t a : *list)
      if (auto idx = out_.index_at(a)) dest->push_back(out_.functions[*idx].start);
  add_data_refs();
  for (const auto& s : elf_.symbols(SymbolTable::Dynamic)) {
    if (!is_function_symbol(s) || s.binding == STB_LOCAL) continue;
    if (s.visibility == STV_HIDDEN || s.visibility == STV_INTERNAL) continue;
    if (auto idx = out_.index_at(s.value)) out_.exports.emplace(s.name, out_.functions[*idx].start);
  }
  resolve_lookups();
  return std::move(out_);
}

}  // namespace

std::optional<size_t> ObjectAnalysis::index_at(uint64_t addr) const {
  auto it = std::upper_bound(functions.begin(), functions.end(), addr,
                             [](uint64_t a, const Function& f) { return a < f.start; });
  if (it == functions.begin()) return std::nullopt;
  --it;
  if (addr >= it->end) return std::nullopt;
  return static_cast<size_t>(it - functions.begin());
}

const ValueSet* Function::passed_at(uint64_t call) const {
  auto it = std::lower_bound(passes.begin(), passes.end(), call,
                             [](const PassedArgument& p, uint64_t a) { return p.call < a; });
  return it != passes.end() && it->call == call ? &it->value : nullptr;
}

const Function* ObjectAnalysis::function_at(uint64_t addr) const {
  auto i = index_at(addr);
  return i ? &functions[*i] : nullptr;
}

ObjectAnalysis analyze_object(const ElfFile& elf) {
  return Analyzer(elf).run();
}

}  // namespace imgstrip
