#include "seccomp/call_graph.h"

#include <algorithm>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/text.h"
#include "seccomp/kernel_restart.h"
#include "seccomp/plugin_entry.h"

namespace imgstrip {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// A traced number as a syscall number: out of range (not a system call) as -1 or 0x10000.
int clamp_number(int64_t v) {
  return static_cast<int>(std::clamp<int64_t>(v, -1, 0x10000));
}

std::string function_label(const Function& f) {
  return f.name.empty() ? fmt::format("fn_{:#x}", f.start) : f.name;
}

class Graph {
 public:
  Graph(const std::vector<GraphObject>& objects) : objs_(objects) {}
  SyscallAnalysis run(FallbackPolicy fallback);

 private:
  void build_scopes();
  std::vector<size_t> bfs_deps(size_t root) const;
  const std::vector<uint32_t>& resolve(size_t obj, const std::string& symbol);
  std::optional<uint32_t> local(size_t obj, uint64_t addr) const;
  bool cut(size_t obj, const std::string& symbol) const;
  void add_root(uint32_t node, std::string why);
  // `indirect`: through an address (taken in code, stored in data, looked up by name), so
  // the callee's arguments are not those of a traced call.
  void reach(uint32_t from, uint32_t to, bool indirect = false);
  void reach_data(size_t obj, uint64_t addr, uint32_t from, bool whole);
  void gate_named_functions();
  static bool slot_in_blocks(const ObjectAnalysis& a, uint64_t slot);
  void wrapper_fixpoint();
  SyscallSet wrapper_reach(const std::set<uint32_t>& wrappers);
  std::vector<uint32_t> callees(size_t obj, const CallSite& c);
  void trace_arguments(const std::vector<uint32_t>& order, const SyscallSet& unknown_reach);
  std::string label(uint32_t node) const;
  std::vector<std::string> chain(uint32_t node) const;
  size_t object_of(uint32_t node) const;
  const Function& fn(uint32_t node) const;

  const std::vector<GraphObject>& objs_;
  std::vector<uint32_t> offset_;  // first node of each object
  // Per object: the functions' start and end addresses, apart from the Function records
  // so that looking an address up stays within a few cache lines.
  std::vector<std::vector<uint64_t>> starts_, ends_;
  std::vector<std::vector<size_t>> scopes_;      // lookup orders
  std::vector<std::vector<size_t>> scopes_of_;   // per object: scopes it is in
  std::vector<std::vector<uint32_t>> position_;  // per scope, per object: place in it or kNone
  std::vector<std::unordered_map<std::string, std::vector<uint32_t>>> resolved_;  // per object
  // Every exported function name: the objects defining it (ascending) and its address there.
  // One lookup per symbol, then the scopes pick their first definer by position.
  std::unordered_map<std::string_view, std::vector<std::pair<size_t, uint64_t>>> exporters_;
  std::vector<uint32_t> parent_;
  std::vector<bool> seen_;
  std::vector<bool> indirect_;  // reached otherwise than by a direct call, or a root
  std::unordered_map<uint32_t, std::string> root_why_;
  std::deque<uint32_t> queue_;
  std::vector<int> wrapper_;  // per node: number argument, -1 when not a wrapper
  // Calls passing a traced syscall's number to a wrapper (its arguments are not traced).
  std::vector<std::pair<int, std::string>> through_wrapper_;
  std::vector<std::vector<uint8_t>> block_seen_;         // per block: 0, 1 reached, 2 and on
  std::vector<std::unordered_set<uint64_t>> cut_slots_;  // per object: functions not named
  SyscallAnalysis out_;
};

size_t Graph::object_of(uint32_t node) const {
  auto it = std::upper_bound(offset_.begin(), offset_.end(), node);
  return static_cast<size_t>(it - offset_.begin()) - 1;
}

const Function& Graph::fn(uint32_t node) const {
  size_t o = object_of(node);
  return objs_[o].analysis->functions[node - offset_[o]];
}

std::string Graph::label(uint32_t node) const {
  return objs_[object_of(node)].path + "!" + function_label(fn(node));
}

std::vector<std::string> Graph::chain(uint32_t node) const {
  std::vector<std::string> out;
  for (uint32_t n = node; n != kNone && out.size() < 512; n = parent_[n]) {
    std::string l = label(n);
    if (parent_[n] == kNone)
      if (auto it = root_why_.find(n); it != root_why_.end()) l += " (" + it->second + ")";
    out.push_back(std::move(l));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<size_t> Graph::bfs_deps(size_t root) const {
  std::vector<size_t> order{root};
  std::set<size_t> seen{root};
  for (size_t i = 0; i < order.size(); ++i)
    for (size_t d : objs_[order[i]].needed)
      if (d < objs_.size() && seen.insert(d).second) order.push_back(d);
  return order;
}

void Graph::build_scopes() {
  std::vector<std::vector<size_t>> programs;
  for (size_t i = 0; i < objs_.size(); ++i)
    if (objs_[i].program && !objs_[i].dlopened) programs.push_back(bfs_deps(i));
  scopes_ = programs;
  for (size_t i = 0; i < objs_.size(); ++i) {
    if (!objs_[i].dlopened) continue;
    std::vector<size_t> local = bfs_deps(i);
    if (programs.empty()) scopes_.push_back(local);
    // The global scope (the program and its libraries) comes before the object's own.
    for (const auto& p : programs) {
      std::vector<size_t> s = p;
      for (size_t o : local)
        if (std::find(s.begin(), s.end(), o) == s.end()) s.push_back(o);
      scopes_.push_back(std::move(s));
    }
  }
  scopes_of_.assign(objs_.size(), {});
  position_.assign(scopes_.size(), std::vector<uint32_t>(objs_.size(), kNone));
  for (size_t s = 0; s < scopes_.size(); ++s) {
    for (size_t i = 0; i < scopes_[s].size(); ++i) {
      size_t o = scopes_[s][i];
      scopes_of_[o].push_back(s);
      position_[s][o] = static_cast<uint32_t>(i);
    }
  }
}

const std::vector<uint32_t>& Graph::resolve(size_t obj, const std::string& symbol) {
  if (auto it = resolved_[obj].find(symbol); it != resolved_[obj].end()) return it->second;
  std::vector<uint32_t> defs;
  if (auto ex = exporters_.find(symbol); ex != exporters_.end()) {
    // In each scope the object is in, the definer that comes first in that scope's order.
    for (size_t s : scopes_of_[obj]) {
      const std::vector<uint32_t>& pos = position_[s];
      const std::pair<size_t, uint64_t>* first = nullptr;
      for (const auto& def : ex->second)
        if (pos[def.first] != kNone && (first == nullptr || pos[def.first] < pos[first->first]))
          first = &def;
      if (first == nullptr) continue;
      if (auto n = local(first->first, first->second);
          n && std::find(defs.begin(), defs.end(), *n) == defs.end())
        defs.push_back(*n);
    }
  }
  return resolved_[obj][symbol] = std::move(defs);
}

std::optional<uint32_t> Graph::local(size_t obj, uint64_t addr) const {
  const std::vector<uint64_t>& starts = starts_[obj];
  auto it = std::upper_bound(starts.begin(), starts.end(), addr);
  if (it == starts.begin()) return std::nullopt;
  size_t idx = static_cast<size_t>(it - starts.begin()) - 1;
  if (addr >= ends_[obj][idx]) return std::nullopt;
  return offset_[obj] + static_cast<uint32_t>(idx);
}

bool Graph::cut(size_t obj, const std::string& symbol) const {
  const auto& c = objs_[obj].cut_imports;
  return std::find(c.begin(), c.end(), symbol) != c.end();
}

void Graph::add_root(uint32_t node, std::string why) {
  indirect_[node] = true;
  if (seen_[node]) return;
  seen_[node] = true;
  root_why_[node] = std::move(why);
  ++out_.roots;
  queue_.push_back(node);
}

void Graph::reach(uint32_t from, uint32_t to, bool indirect) {
  if (indirect) indirect_[to] = true;
  if (seen_[to]) return;
  seen_[to] = true;
  parent_[to] = from;
  queue_.push_back(to);
}

// Reaches the data block holding `addr` (from a code reference: up to the next anchor; from
// data, `whole`: up to the next strong anchor) and, transitively, the blocks its pointers
// reach; the functions they point to are reached from `from` (kNone: roots).
void Graph::reach_data(size_t obj, uint64_t addr, uint32_t from, bool whole) {
  const ObjectAnalysis& a = *objs_[obj].analysis;
  const auto& anchors = a.data_anchors;
  std::vector<std::pair<uint64_t, bool>> work{{addr, whole}};
  while (!work.empty()) {
    auto [at, all] = work.back();
    work.pop_back();
    auto it = std::upper_bound(anchors.begin(), anchors.end(), at);
    if (it == anchors.begin()) continue;
    for (size_t block = static_cast<size_t>(it - anchors.begin()) - 1; block < anchors.size();
         ++block) {
      if (block_seen_[obj][block] < (all ? 2 : 1)) {
        bool fresh = block_seen_[obj][block] == 0;
        block_seen_[obj][block] = all ? 2 : 1;
        if (fresh) {
          uint64_t begin = anchors[block];
          uint64_t end = block + 1 < anchors.size() ? anchors[block + 1] : UINT64_MAX;
          auto slot = std::lower_bound(a.data_slots.begin(), a.data_slots.end(), begin,
                                       [](const DataSlot& s, uint64_t v) { return s.at < v; });
          for (; slot != a.data_slots.end() && slot->at < end; ++slot) {
            if (cut_slots_[obj].count(slot->at) != 0) continue;
            if (slot->data) {
              work.emplace_back(slot->data, true);
            } else if (auto n = local(obj, slot->function)) {
              if (from == kNone)
                add_root(*n, fmt::format("address in exported data at {:#x}", slot->at));
              else
                reach(from, *n, true);
            }
          }
        }
      } else if (!all || block_seen_[obj][block] == 2) {
        break;  // this block, and what follows it from here, is done
      }
      if (!all || block + 1 >= anchors.size() ||
          (block + 1 < a.data_strong.size() && a.data_strong[block + 1]))
        break;
    }
  }
}

bool Graph::slot_in_blocks(const ObjectAnalysis& a, uint64_t slot) {
  auto it = std::lower_bound(a.data_slots.begin(), a.data_slots.end(), slot,
                             [](const DataSlot& s, uint64_t v) { return s.at < v; });
  return it != a.data_slots.end() && it->at == slot;
}

// Functions called by name that no kept script names: their slots lead nowhere. PHP's
// names are case-insensitive.
void Graph::gate_named_functions() {
  cut_slots_.assign(objs_.size(), {});
  std::unordered_map<const NameSet*, NameSet> lower;
  for (size_t o = 0; o < objs_.size(); ++o) {
    const GraphObject& g = objs_[o];
    const auto& methods = g.analysis->named.functions;
    if (!g.script_names || methods.empty()) continue;
    std::set<std::string> names;
    for (const auto& m : methods) {
      const NameSet& pool = g.script_names->of(m.by);
      bool named = false;
      if (m.by == Interpreter::Php) {
        auto& folded = lower[&pool];
        if (folded.empty()) {
          for (const auto& n : pool)
            folded.insert(ascii_lower(n));
        }
        named = folded.count(ascii_lower(m.name)) != 0;
      } else {
        named = pool.count(m.name) != 0;
      }
      if (named || protocol_name(m.name)) continue;
      cut_slots_[o].insert(m.slot);
      names.insert(m.name);
    }
    if (!names.empty())
      out_.named_left_out.push_back({g.path, methods.size(), {names.begin(), names.end()}});
  }
}

// A function passing its own argument as the number to a wrapper in another object is a
// wrapper too (wrappers in the same object were found by the object analysis).
void Graph::wrapper_fixpoint() {
  wrapper_.assign(offset_.back(), -1);
  for (size_t o = 0; o < objs_.size(); ++o)
    for (size_t f = 0; f < objs_[o].analysis->functions.size(); ++f)
      if (auto p = objs_[o].analysis->functions[f].number_param) wrapper_[offset_[o] + f] = *p;
  for (int round = 0; round < 8; ++round) {
    bool changed = false;
    for (size_t o = 0; o < objs_.size(); ++o) {
      if (scopes_of_[o].empty()) continue;
      const auto& fns = objs_[o].analysis->functions;
      for (size_t f = 0; f < fns.size(); ++f) {
        if (wrapper_[offset_[o] + f] >= 0) continue;
        for (const auto& c : fns[f].calls) {
          if (c.import.empty() || !c.number || !c.number->param) continue;
          for (uint32_t d : resolve(o, c.import)) {
            if (wrapper_[d] == 0) {
              wrapper_[offset_[o] + f] = *c.number->param;
              changed = true;
            }
          }
        }
      }
    }
    if (!changed) break;
  }
}

// Every number one of `wrappers` is asked for anywhere in the loaded code, reachable or not.
SyscallSet Graph::wrapper_reach(const std::set<uint32_t>& wrappers) {
  SyscallSet out;
  if (wrappers.empty()) return out;
  for (size_t o = 0; o < objs_.size(); ++o) {
    if (scopes_of_[o].empty()) continue;
    for (const auto& f : objs_[o].analysis->functions) {
      for (const auto& c : f.calls) {
        if (!c.number || c.number->constants.empty()) continue;
        bool to_wrapper = false;
        if (c.import.empty()) {
          if (auto t = local(o, c.target)) to_wrapper = wrappers.count(*t) > 0;
        } else {
          for (uint32_t t : resolve(o, c.import))
            to_wrapper = to_wrapper || (wrapper_[t] == 0 && wrappers.count(t));
        }
        if (!to_wrapper) continue;
        for (int64_t v : c.number->constants)
          if (v >= 0 && v <= 0xffff) out.insert(static_cast<int>(v));
      }
    }
  }
  return out;
}

std::vector<uint32_t> Graph::callees(size_t obj, const CallSite& c) {
  if (c.import.empty()) {
    if (auto t = local(obj, c.target)) return {*t};
    return {};
  }
  if (cut(obj, c.import)) return {};
  return resolve(obj, c.import);
}

// The values of the traced first arguments: at each reachable syscall instruction, and at
// the reachable calls of each function that passes one of its arguments on as one (the C
// library's socket(), and functions passing theirs on to it), until no new such function
// turns up. A function reached through an address passes values that are not traced.
void Graph::trace_arguments(const std::vector<uint32_t>& order, const SyscallSet& unknown_reach) {
  auto& args = out_.arguments;
  for (int nr : out_.syscalls)
    if (traces_first_argument(out_.arch, nr)) args[nr];
  if (args.empty()) return;
  for (auto& [nr, a] : args) {
    if (out_.from_fallback.count(nr))
      a.mark_unknown(
          fmt::format("allowed by the fallback policy {}", fallback_name(out_.fallback)));
    else if (unknown_reach.count(nr))
      a.mark_unknown(
          "a syscall wrapper is called with a number not traced, and is asked "
          "for this one elsewhere");
    else if (out_.fallback == FallbackPolicy::AllowAllKnown && !out_.unresolved.empty())
      a.mark_unknown("sites without a known number, under allow-all-known");
  }
  std::map<std::pair<uint32_t, int>, int> wrappers;  // (function, syscall) -> its argument
  std::vector<std::pair<uint32_t, int>> fresh;
  auto take = [&](int nr, const ValueSet& v, uint32_t n, uint64_t addr) {
    auto it = args.find(nr);
    if (it == args.end()) return;
    ArgumentValues& a = it->second;
    std::string where = fmt::format("{} at {:#x}", label(n), addr);
    for (int64_t c : v.constants)
      a.add(c, where);
    if (v.unknown) a.mark_unknown(fmt::format("{}: {}", where, v.why));
    if (!v.param) return;
    auto [w, inserted] = wrappers.emplace(std::pair{n, nr}, *v.param);
    if (inserted)
      fresh.emplace_back(n, nr);
    else if (w->second != *v.param)
      a.mark_unknown(fmt::format("{}: passes two of its arguments on", where));
  };
  for (uint32_t n : order) {
    for (const auto& s : fn(n).syscalls) {
      for (int64_t v : s.number.constants) {
        int nr = clamp_number(v);
        if (!args.count(nr)) continue;
        if (s.arg0)
          take(nr, *s.arg0, n, s.addr);
        else
          args[nr].mark_unknown(fmt::format("{} at {:#x}: not traced", label(n), s.addr));
      }
    }
  }
  for (const auto& [nr, why] : through_wrapper_)
    if (auto a = args.find(nr); a != args.end()) a->second.mark_unknown(why);
  for (int round = 0; !fresh.empty(); ++round) {
    std::unordered_map<uint32_t, std::vector<std::pair<int, int>>> pending;  // (syscall, arg)
    for (const auto& k : fresh) {
      int p = wrappers[k];
      pending[k.first].emplace_back(k.second, p);
      if (indirect_[k.first] || round >= 32)
        args[k.second].mark_unknown(
            fmt::format("{} passes its argument {} on and {}", label(k.first), p,
                        round >= 32 ? "the chain of such functions is too long"
                                    : "is reached through an address"));
    }
    fresh.clear();
    for (uint32_t n : order) {
      size_t o = object_of(n);
      for (const auto& c : fn(n).calls) {
        for (uint32_t w : callees(o, c)) {
          auto it = pending.find(w);
          if (it == pending.end()) continue;
          for (auto [nr, p] : it->second) {
            const ValueSet* v = nullptr;
            if (c.import.empty()) {
              if (fn(w).argument_param == p) v = fn(n).passed_at(c.addr);
            } else if (p == 0 && c.number) {
              v = &*c.number;
            }
            if (v)
              take(nr, *v, n, c.addr);
            else
              args[nr].mark_unknown(fmt::format("{} at {:#x}: argument {} of {} not traced",
                                                label(n), c.addr, p, label(w)));
          }
        }
      }
    }
  }
}

SyscallAnalysis Graph::run(FallbackPolicy fallback) {
  out_.fallback = fallback;
  out_.objects = objs_.size();
  if (objs_.empty()) return out_;
  out_.arch = objs_[0].analysis->arch;
  offset_.push_back(0);
  for (const auto& o : objs_) {
    if (o.analysis->arch != out_.arch)
      fail("{} is {}, the first object is {}: one profile covers one architecture", o.path,
           arch_name(o.analysis->arch), arch_name(out_.arch));
    uint64_t next = uint64_t{offset_.back()} + o.analysis->functions.size();
    if (next >= kNone) fail("too many functions to analyse ({})", next);
    offset_.push_back(static_cast<uint32_t>(next));
  }
  out_.functions = offset_.back();
  starts_.resize(objs_.size());
  ends_.resize(objs_.size());
  for (size_t o = 0; o < objs_.size(); ++o) {
    for (const Function& f : objs_[o].analysis->functions) {
      starts_[o].push_back(f.start);
      ends_[o].push_back(f.end);
    }
  }
  resolved_.resize(objs_.size());
  for (size_t o = 0; o < objs_.size(); ++o)
    for (const auto& [name, addr] : objs_[o].analysis->exports)
      exporters_[name].emplace_back(o, addr);
  build_scopes();
  wrapper_fixpoint();
  parent_.assign(offset_.back(), kNone);
  seen_.assign(offset_.back(), false);
  indirect_.assign(offset_.back(), false);
  block_seen_.resize(objs_.size());
  for (size_t o = 0; o < objs_.size(); ++o)
    block_seen_[o].assign(objs_[o].analysis->data_anchors.size(), 0);
  gate_named_functions();

  for (size_t o = 0; o < objs_.size(); ++o) {
    const GraphObject& g = objs_[o];
    const ObjectAnalysis& a = *g.analysis;
    if (scopes_of_[o].empty()) {
      out_.notes.push_back(
          fmt::format("{}: not loaded by any program nor marked as dlopened; "
                      "its code is not counted",
                      g.path));
      continue;
    }
    if (g.program && !g.dlopened && a.entry)
      if (auto n = local(o, *a.entry)) add_root(*n, "entry point");
    for (uint64_t s : a.init)
      if (auto n = local(o, s)) add_root(*n, "init");
    for (uint64_t s : a.fini)
      if (auto n = local(o, s)) add_root(*n, "fini");
    for (uint64_t s : a.data_refs)
      if (auto n = local(o, s)) add_root(*n, "address in data");
    for (const auto& sym : a.data_imports)
      for (uint32_t n : resolve(o, sym))
        add_root(n, fmt::format("address in data of {}", g.path));
    for (uint64_t d : a.data_roots)
      reach_data(o, d, kNone, true);
    // A position-dependent object's named functions are not in data_refs: the named ones
    // are roots (in a position-independent one, they are reached with their block).
    for (const auto& m : a.named.functions) {
      if (cut_slots_[o].count(m.slot) != 0 || slot_in_blocks(a, m.slot)) continue;
      if (auto n = local(o, m.function))
        add_root(*n, g.script_names
                         ? fmt::format("{} function {}, named in the image",
                                       m.by == Interpreter::Php ? "PHP" : "Python", m.name)
                         : std::string("address in data"));
    }
    for (const auto& [name, s] : a.exports) {
      auto convention = plugin_convention(name);
      if (!convention && !g.dlopened) continue;
      if (auto n = local(o, s))
        add_root(*n, convention ? fmt::format("{} entry point, looked up by name", *convention)
                                : std::string("exported by a dlopened object"));
    }
  }

  // Breadth-first: the first parent of a node is on a shortest chain from a root.
  std::vector<uint32_t> order;
  while (!queue_.empty()) {
    uint32_t n = queue_.front();
    queue_.pop_front();
    order.push_back(n);
    size_t o = object_of(n);
    const Function& f = fn(n);
    for (const auto& c : f.calls) {
      if (c.import.empty()) {
        if (auto t = local(o, c.target)) reach(n, *t);
      } else if (!cut(o, c.import)) {
        for (uint32_t t : resolve(o, c.import))
          reach(n, t);
      }
    }
    for (uint64_t s : f.takes)
      if (auto t = local(o, s)) reach(n, *t, true);
    for (const auto& sym : f.takes_imports)
      for (uint32_t t : resolve(o, sym))
        reach(n, t, true);
    for (uint64_t d : f.data_uses)
      reach_data(o, d, n, false);
    for (const auto& l : f.lookups)
      for (const auto& name : l.names)
        if (auto ex = exporters_.find(name); ex != exporters_.end())
          for (const auto& [obj, addr] : ex->second)
            if (auto t = local(obj, addr)) reach(n, *t, true);
  }
  out_.reachable_functions = order.size();

  // What the reachable functions make.
  auto explain = [&](int nr, uint32_t n, uint64_t site, std::string wrapper) {
    if (nr < 0 || nr > 0xffff) return false;
    out_.syscalls.insert(nr);
    if (!out_.reasons.count(nr)) {
      size_t o = object_of(n);
      out_.reasons[nr] = {objs_[o].path, function_label(fn(n)), site, std::move(wrapper), chain(n)};
    }
    return true;
  };
  std::set<uint32_t> unknown_wrappers;  // wrappers called with a number not known
  for (uint32_t n : order) {
    size_t o = object_of(n);
    const Function& f = fn(n);
    for (const auto& s : f.syscalls) {
      for (int64_t v : s.number.constants)
        if (!explain(clamp_number(v), n, s.addr, ""))
          out_.unresolved.push_back({objs_[o].path, function_label(f), s.addr,
                                     fmt::format("number {:#x} is not a system call", v), false,
                                     false});
      if (s.number.unknown)
        out_.unresolved.push_back(
            {objs_[o].path, function_label(f), s.addr, s.number.why, false, false});
    }
    for (const auto& c : f.calls) {
      for (uint32_t w : callees(o, c)) {
        int p = wrapper_[w];
        if (p < 0) continue;
        std::string wname = label(w);
        if (c.number)
          for (int64_t v : c.number->constants)
            if (int nr = clamp_number(v); traces_first_argument(out_.arch, nr))
              through_wrapper_.emplace_back(
                  nr, fmt::format("{} at {:#x}: through the syscall wrapper {}", label(n), c.addr,
                                  wname));
        bool traced = c.number && (c.import.empty() || p == 0);
        if (!traced || c.number->unknown) unknown_wrappers.insert(w);
        if (!traced) {
          out_.unresolved.push_back({objs_[o].path, function_label(f), c.addr,
                                     fmt::format("argument {} of wrapper {} not traced", p, wname),
                                     true, false});
          continue;
        }
        for (int64_t v : c.number->constants)
          if (!explain(clamp_number(v), n, c.addr, wname))
            out_.unresolved.push_back({objs_[o].path, function_label(f), c.addr,
                                       fmt::format("number {:#x} is not a system call", v), true,
                                       false});
        if (c.number->unknown)
          out_.unresolved.push_back({objs_[o].path, function_label(f), c.addr,
                                     fmt::format("number for {}: {}", wname, c.number->why), true,
                                     false});
        // c.number->param: this function is a wrapper itself; its callers are resolved.
      }
    }
    for (const auto& l : f.lookups)
      if (l.unknown)
        out_.unresolved.push_back({objs_[o].path, function_label(f), l.addr,
                                   "symbol name not traced: " + l.why, false, true});
    // A wrapper reached other than through a call passes an unknown number.
    if (wrapper_[n] >= 0 && parent_[n] == kNone) unknown_wrappers.insert(n);
    if (wrapper_[n] >= 0 && parent_[n] == kNone)
      out_.unresolved.push_back({objs_[o].path, function_label(f), f.start,
                                 "syscall wrapper reachable through an indirect call", true,
                                 false});
  }

  SyscallSet unknown_reach = wrapper_reach(unknown_wrappers);
  if (!out_.unresolved.empty()) {
    switch (fallback) {
      case FallbackPolicy::Fail: {
        std::string list;
        for (const auto& u : out_.unresolved)
          list += fmt::format("\n  {} {} at {:#x}: {}", u.object, u.function, u.site, u.why);
        fail("{} site(s) with an unknown number (system call) or name (symbol lookup):{}",
             out_.unresolved.size(), list);
      }
      case FallbackPolicy::AllowAllKnown:
        for (int nr : known_syscalls(out_.arch))
          if (out_.syscalls.insert(nr).second) out_.from_fallback.insert(nr);
        break;
      case FallbackPolicy::AllowWrapperReach:
        for (int nr : unknown_reach)
          if (nr >= 0 && out_.syscalls.insert(nr).second) out_.from_fallback.insert(nr);
        break;
    }
  }
  add_kernel_restarts(out_);
  trace_arguments(order, unknown_reach);
  return std::move(out_);
}

}  // namespace

std::string_view fallback_name(FallbackPolicy p) {
  switch (p) {
    case FallbackPolicy::AllowWrapperReach:
      return "allow-wrapper-reach";
    case FallbackPolicy::AllowAllKnown:
      return "allow-all-known";
    case FallbackPolicy::Fail:
      return "fail";
  }
  return "?";
}

std::optional<FallbackPolicy> parse_fallback(std::string_view name) {
  if (name == "allow-wrapper-reach") return FallbackPolicy::AllowWrapperReach;
  if (name == "allow-all-known") return FallbackPolicy::AllowAllKnown;
  if (name == "fail") return FallbackPolicy::Fail;
  return std::nullopt;
}

SyscallAnalysis analyze_call_graph(const std::vector<GraphObject>& objects,
                                   FallbackPolicy fallback) {
  return Graph(objects).run(fallback);
}

}  // namespace imgstrip
