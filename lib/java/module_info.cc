#include "java/module_info.h"

#include <algorithm>
#include <optional>

#include "core/error.h"

namespace imgstrip {

namespace {

enum Tag : uint8_t {
  kUtf8 = 1,
  kInteger = 3,
  kFloat = 4,
  kLong = 5,
  kDouble = 6,
  kClass = 7,
  kString = 8,
  kFieldref = 9,
  kMethodref = 10,
  kInterfaceMethodref = 11,
  kNameAndType = 12,
  kMethodHandle = 15,
  kMethodType = 16,
  kDynamic = 17,
  kInvokeDynamic = 18,
  kModule = 19,
  kPackage = 20,
};

constexpr uint16_t kRequiresTransitive = 0x0020;
constexpr uint16_t kRequiresStatic = 0x0040;
constexpr uint16_t kDoNotResolveByDefault = 0x0001;

// Big-endian reads that throw at the end of the class.
class Cursor {
 public:
  explicit Cursor(std::string_view b) : b_(b) {}
  uint8_t u1() { return static_cast<uint8_t>(take(1)[0]); }
  uint16_t u2() {
    auto s = take(2);
    return static_cast<uint16_t>(static_cast<uint8_t>(s[0]) << 8 | static_cast<uint8_t>(s[1]));
  }
  uint32_t u4() {
    uint32_t high = u2();  // the operands of | are not sequenced: read in order
    return high << 16 | u2();
  }
  std::string_view take(size_t n) {
    if (n > b_.size() - pos_)
      fail("module-info.class: truncated at byte {} ({} more wanted, {} left)", pos_, n,
           b_.size() - pos_);
    auto s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void skip(size_t n) { (void)take(n); }
  size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct Constant {
  uint8_t tag = 0;
  std::string_view utf8;  // kUtf8
  uint16_t ref = 0;       // kClass, kModule, kPackage: the name's index
};

class Pool {
 public:
  explicit Pool(Cursor& c) {
    uint16_t count = c.u2();
    if (count == 0) fail("module-info.class: an empty constant pool");
    items_.resize(count);
    for (uint16_t i = 1; i < count; ++i) {
      Constant& k = items_[i];
      k.tag = c.u1();
      switch (k.tag) {
        case kUtf8:
          k.utf8 = c.take(c.u2());
          break;
        case kInteger:
        case kFloat:
          c.skip(4);
          break;
        case kLong:
        case kDouble:
          c.skip(8);
          ++i;  // takes two slots
          break;
        case kClass:
        case kString:
        case kMethodType:
        case kModule:
        case kPackage:
          k.ref = c.u2();
          break;
        case kFieldref:
        case kMethodref:
        case kInterfaceMethodref:
        case kNameAndType:
        case kDynamic:
        case kInvokeDynamic:
          c.skip(4);
          break;
        case kMethodHandle:
          c.skip(3);
          break;
        default:
          fail("module-info.class: constant {} has an unknown tag {}", i, k.tag);
      }
    }
  }

  std::string_view utf8(uint16_t i) const {
    const Constant& k = at(i);
    if (k.tag != kUtf8) fail("module-info.class: constant {} is not a string", i);
    return k.utf8;
  }
  // The name behind a Class, Module or Package constant, '/' as '.'.
  std::string name(uint16_t i, uint8_t tag) const {
    const Constant& k = at(i);
    if (k.tag != tag) fail("module-info.class: constant {} has tag {}, {} expected", i, k.tag, tag);
    std::string s(utf8(k.ref));
    std::replace(s.begin(), s.end(), '/', '.');
    return s;
  }

 private:
  const Constant& at(uint16_t i) const {
    if (i == 0 || i >= items_.size())
      fail("module-info.class: constant index {} outside the pool ({})", i, items_.size());
    return items_[i];
  }
  std::vector<Constant> items_;
};

void read_module(Cursor& c, const Pool& pool, ModuleDescriptor& m) {
  m.name = pool.name(c.u2(), kModule);
  c.skip(2 + 2);  // flags, version
  uint16_t n = c.u2();
  for (uint16_t i = 0; i < n; ++i) {
    ModuleRequires r;
    r.module = pool.name(c.u2(), kModule);
    uint16_t flags = c.u2();
    r.transitive = (flags & kRequiresTransitive) != 0;
    r.is_static = (flags & kRequiresStatic) != 0;
    c.skip(2);  // version
    m.requires_.push_back(std::move(r));
  }
  n = c.u2();
  for (uint16_t i = 0; i < n; ++i) {
    ModuleExports e;
    e.package = pool.name(c.u2(), kPackage);
    c.skip(2);  // flags
    uint16_t to = c.u2();
    e.qualified = to > 0;
    c.skip(size_t{to} * 2);
    m.exports.push_back(std::move(e));
  }
  n = c.u2();  // opens
  for (uint16_t i = 0; i < n; ++i) {
    c.skip(4);
    c.skip(size_t{c.u2()} * 2);
  }
  n = c.u2();
  for (uint16_t i = 0; i < n; ++i)
    m.uses.push_back(pool.name(c.u2(), kClass));
  n = c.u2();
  for (uint16_t i = 0; i < n; ++i) {
    m.provides.push_back(pool.name(c.u2(), kClass));
    c.skip(size_t{c.u2()} * 2);
  }
}

void skip_members(Cursor& c) {
  uint16_t n = c.u2();
  for (uint16_t i = 0; i < n; ++i) {
    c.skip(6);
    uint16_t attrs = c.u2();
    for (uint16_t a = 0; a < attrs; ++a) {
      c.skip(2);
      c.skip(c.u4());
    }
  }
}

}  // namespace

ModuleDescriptor parse_module_info(std::string_view class_bytes) {
  Cursor c(class_bytes);
  if (c.u4() != 0xCAFEBABE) fail("module-info.class: not a class file (bad magic)");
  c.skip(4);  // minor, major version
  Pool pool(c);
  c.skip(6);                   // access flags, this_class, super_class
  c.skip(size_t{c.u2()} * 2);  // interfaces
  skip_members(c);             // fields
  skip_members(c);             // methods
  ModuleDescriptor m;
  bool found = false;
  uint16_t attrs = c.u2();
  for (uint16_t a = 0; a < attrs; ++a) {
    std::string_view name = pool.utf8(c.u2());
    uint32_t len = c.u4();
    std::string_view body = c.take(len);
    Cursor b(body);
    if (name == "Module") {
      if (found) fail("module-info.class: two Module attributes");
      read_module(b, pool, m);
      found = true;
    } else if (name == "ModuleResolution") {
      m.not_resolved_by_default = (b.u2() & kDoNotResolveByDefault) != 0;
    }
  }
  if (!found) fail("module-info.class: no Module attribute");
  return m;
}

}  // namespace imgstrip
