#include "seccomp/analysis_codec.h"

#include "core/error.h"

namespace imgstrip {

namespace {

constexpr std::string_view kMagic = "imgstrip-seccomp\n";

class Writer {
 public:
  void u(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void s(int64_t v) { u((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void str(std::string_view v) {
    u(v.size());
    out_ += v;
  }
  void addrs(const std::vector<uint64_t>& v, uint64_t base) {
    u(v.size());
    for (uint64_t a : v)
      u(a - base);  // wraps for addresses below base; decoded back the same way
  }
  void strs(const std::vector<std::string>& v) {
    u(v.size());
    for (const auto& x : v)
      str(x);
  }
  void value(const ValueSet& v) {
    u(v.constants.size());
    for (int64_t c : v.constants)
      s(c);
    u(v.param ? static_cast<uint64_t>(*v.param) + 1 : 0);
    u(v.unknown ? 1 : 0);
    if (v.unknown) str(v.why);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  uint64_t u() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) fail("cached analysis: truncated");
      auto c = static_cast<uint8_t>(b_[pos_++]);
      v |= uint64_t{c & 0x7fu} << shift;
      if (!(c & 0x80)) return v;
    }
    fail("cached analysis: bad number");
  }
  int64_t s() {
    uint64_t v = u();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  size_t count() {
    uint64_t n = u();
    if (n > b_.size() - pos_) fail("cached analysis: count {} past the end", n);
    return static_cast<size_t>(n);
  }
  std::string str() {
    size_t n = count();
    std::string v(b_.substr(pos_, n));
    pos_ += n;
    return v;
  }
  std::vector<uint64_t> addrs(uint64_t base) {
    std::vector<uint64_t> v(count());
    for (auto& a : v)
      a = u() + base;
    return v;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v(count());
    for (auto& x : v)
      x = str();
    return v;
  }
  ValueSet value() {
    ValueSet v;
    v.constants.resize(count());
    for (auto& c : v.constants)
      c = s();
    if (uint64_t p = u()) v.param = static_cast<int>(std::min<uint64_t>(p - 1, 64));
    v.unknown = u() != 0;
    if (v.unknown) v.why = str();
    return v;
  }
  bool done() const { return pos_ == b_.size(); }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

}  // namespace

std::string encode_analysis(const ObjectAnalysis& a) {
  Writer w;
  w.str(kMagic);
  w.u(ObjectAnalysis::kFormat);
  w.u(static_cast<uint64_t>(a.arch));
  w.u(a.entry ? 1 : 0);
  if (a.entry) w.u(*a.entry);
  w.u(a.functions.size());
  uint64_t prev = 0;
  for (const auto& f : a.functions) {
    w.u(f.start - prev);
    prev = f.start;
    w.u(f.end - f.start);
    w.str(f.name);
    w.u(f.number_param ? static_cast<uint64_t>(*f.number_param) + 1 : 0);
    w.u(f.syscalls.size());
    for (const auto& s : f.syscalls) {
      w.u(s.addr - f.start);
      w.value(s.number);
      w.u(s.arg0 ? 1 : 0);
      if (s.arg0) w.value(*s.arg0);
    }
    w.u(f.calls.size());
    for (const auto& c : f.calls) {
      w.u(c.addr - f.start);
      w.u((c.import.empty() ? 0 : 1) | (c.tail ? 2 : 0) | (c.number ? 4 : 0));
      if (c.import.empty())
        w.u(c.target);
      else
        w.str(c.import);
      if (c.number) w.value(*c.number);
    }
    w.addrs(f.takes, 0);
    w.strs(f.takes_imports);
    w.addrs(f.data_uses, 0);
    w.u(f.name_param ? static_cast<uint64_t>(*f.name_param) + 1 : 0);
    w.u(f.argument_param ? static_cast<uint64_t>(*f.argument_param) + 1 : 0);
    w.u(f.passes.size());
    for (const auto& p : f.passes) {
      w.u(p.call - f.start);
      w.value(p.value);
    }
    w.u(f.lookups.size());
    for (const auto& l : f.lookups) {
      w.u(l.addr - f.start);
      w.strs(l.names);
      w.u(l.unknown ? 1 : 0);
      if (l.unknown) w.str(l.why);
    }
  }
  w.addrs(a.init, 0);
  w.addrs(a.fini, 0);
  w.addrs(a.data_refs, 0);
  w.strs(a.data_imports);
  w.addrs(a.data_anchors, 0);
  for (size_t i = 0; i < a.data_anchors.size(); ++i)
    w.u(i < a.data_strong.size() && a.data_strong[i] ? 1 : 0);
  w.u(a.data_slots.size());
  for (const auto& s : a.data_slots) {
    w.u(s.at);
    w.u(s.function);
    w.u(s.data);
  }
  w.addrs(a.data_roots, 0);
  w.u(a.exports.size());
  for (const auto& [name, addr] : a.exports) {
    w.str(name);
    w.u(addr);
  }
  w.u(a.named.functions.size());
  for (const auto& m : a.named.functions) {
    w.u(m.slot);
    w.u(m.function);
    w.str(m.name);
    w.u(static_cast<uint64_t>(m.by));
  }
  w.strs(a.named.c_names);
  w.strs(a.notes);
  w.u(a.instructions);
  return w.take();
}

ObjectAnalysis decode_analysis(std::string_view bytes) {
  Reader r(bytes);
  if (r.str() != kMagic) fail("cached analysis: not an analysis");
  if (r.u() != ObjectAnalysis::kFormat) fail("cached analysis: another format");
  ObjectAnalysis a;
  uint64_t arch = r.u();
  if (arch != static_cast<uint64_t>(Arch::X86_64) && arch != static_cast<uint64_t>(Arch::Aarch64))
    fail("cached analysis: unknown architecture");
  a.arch = static_cast<Arch>(arch);
  if (r.u()) a.entry = r.u();
  a.functions.resize(r.count());
  uint64_t prev = 0;
  for (auto& f : a.functions) {
    f.start = prev + r.u();
    prev = f.start;
    f.end = f.start + r.u();
    f.name = r.str();
    if (uint64_t p = r.u()) f.number_param = static_cast<int>(std::min<uint64_t>(p - 1, 64));
    f.syscalls.resize(r.count());
    for (auto& s : f.syscalls) {
      s.addr = f.start + r.u();
      s.number = r.value();
      if (r.u()) s.arg0 = r.value();
    }
    f.calls.resize(r.count());
    for (auto& c : f.calls) {
      c.addr = f.start + r.u();
      uint64_t flags = r.u();
      if (flags & 1)
        c.import = r.str();
      else
        c.target = r.u();
      c.tail = (flags & 2) != 0;
      if (flags & 4) c.number = r.value();
    }
    f.takes = r.addrs(0);
    f.takes_imports = r.strs();
    f.data_uses = r.addrs(0);
    if (uint64_t p = r.u()) f.name_param = static_cast<int>(std::min<uint64_t>(p - 1, 64));
    if (uint64_t p = r.u()) f.argument_param = static_cast<int>(std::min<uint64_t>(p - 1, 64));
    f.passes.resize(r.count());
    for (auto& p : f.passes) {
      p.call = f.start + r.u();
      p.value = r.value();
    }
    f.lookups.resize(r.count());
    for (auto& l : f.lookups) {
      l.addr = f.start + r.u();
      l.names = r.strs();
      l.unknown = r.u() != 0;
      if (l.unknown) l.why = r.str();
    }
  }
  a.init = r.addrs(0);
  a.fini = r.addrs(0);
  a.data_refs = r.addrs(0);
  a.data_imports = r.strs();
  a.data_anchors = r.addrs(0);
  a.data_strong.resize(a.data_anchors.size());
  for (size_t i = 0; i < a.data_anchors.size(); ++i)
    a.data_strong[i] = r.u() != 0;
  a.data_slots.resize(r.count());
  for (auto& s : a.data_slots) {
    s.at = r.u();
    s.function = r.u();
    s.data = r.u();
  }
  a.data_roots = r.addrs(0);
  size_t n = r.count();
  for (size_t i = 0; i < n; ++i) {
    std::string name = r.str();
    a.exports.emplace(std::move(name), r.u());
  }
  a.named.functions.resize(r.count());
  for (auto& m : a.named.functions) {
    m.slot = r.u();
    m.function = r.u();
    m.name = r.str();
    uint64_t by = r.u();
    if (by > static_cast<uint64_t>(Interpreter::Php)) fail("cached analysis: unknown interpreter");
    m.by = static_cast<Interpreter>(by);
  }
  a.named.c_names = r.strs();
  a.notes = r.strs();
  a.instructions = r.u();
  if (!r.done()) fail("cached analysis: trailing bytes");
  return a;
}

}  // namespace imgstrip
