#include "elf/closure.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/path.h"
#include "elf/elf_file.h"
#include "elf/ld_so_conf.h"

namespace imgstrip {
namespace {

NeededLibrary named(std::string name, std::string via = {}) {
  NeededLibrary n;
  n.name = std::move(name);
  n.via = std::move(via);
  return n;
}

}  // namespace

ElfClosure::ElfClosure(const RootFs& fs, ClosureOptions options)
    : fs_(fs), options_(std::move(options)), search_(fs, options_.env) {}

LoaderFlavor ElfClosure::image_flavor() {
  if (!image_flavor_) {
    image_flavor_ = LoaderFlavor::Glibc;
    for (auto& name : fs_.list("lib")) {
      if (loader_flavor(name) == LoaderFlavor::Musl) {
        image_flavor_ = LoaderFlavor::Musl;
        image_interp_ = "/lib/" + name;
        break;
      }
    }
  }
  return *image_flavor_;
}

void ElfClosure::load(ClosureObject& o) {
  std::optional<std::string> bytes;
  try {
    bytes = fs_.read(o.path, options_.max_file_size);
  } catch (const Error& e) {
    o.error = e.what();
    return;
  }
  if (!bytes) {
    o.error = o.path + ": not a regular file";
    return;
  }
  if (!is_elf(*bytes)) {
    o.error = o.path + ": not an ELF file";
    return;
  }
  try {
    auto f = ElfFile::parse(std::move(*bytes), o.path, {false, false, false});
    o.abi = ElfAbi::of(f.header());
    o.interp = f.interpreter();
    o.soname = f.dynamic().soname;
    o.rpath = f.dynamic().rpath;
    o.runpath = f.dynamic().runpath;
    o.nodeflib = f.dynamic().nodeflib();
    o.is_static = f.is_static();
    o.notes = f.notes();
    for (auto& n : f.dynamic().needed)
      o.needed.push_back(named(n));
  } catch (const Error& e) {
    o.error = e.what();
  }
}

std::optional<size_t> ElfClosure::add_object(std::string_view opened_as, std::string reason,
                                             std::optional<size_t> parent,
                                             std::optional<LoaderFlavor> flavor,
                                             std::optional<std::string> interp) {
  std::string opened = strip_leading_slashes(opened_as);
  auto real = fs_.resolve(opened);
  if (!real) return std::nullopt;
  if (auto it = by_path_.find(*real); it != by_path_.end()) return it->second;
  ClosureObject o;
  o.path = *real;
  o.opened_as = opened;
  o.symlinks = symlink_chain(fs_, opened, options_.readlink);
  o.reason = std::move(reason);
  o.parent = parent;
  load(o);
  if (o.interp) {
    o.flavor = loader_flavor(*o.interp);
  } else if (flavor) {
    o.flavor = *flavor;
    o.interp = std::move(interp);
  } else {
    o.flavor = image_flavor();
    if (o.flavor == LoaderFlavor::Musl) o.interp = image_interp_;
  }
  size_t index = objects_.size();
  by_path_.emplace(o.path, index);
  objects_.push_back(std::move(o));
  return index;
}

void ElfClosure::add_root(std::string_view path, std::string reason) {
  if (!add_object(path, std::move(reason), std::nullopt, std::nullopt, std::nullopt)) {
    missing_roots_.push_back(strip_leading_slashes(path));
  }
}

std::vector<SearchScope> ElfClosure::chain_of(size_t index) const {
  std::vector<SearchScope> chain;
  std::set<size_t> seen;
  for (std::optional<size_t> i = index; i && seen.insert(*i).second; i = objects_[*i].parent) {
    const ClosureObject& o = objects_[*i];
    SearchScope s;
    s.path = o.path;
    // The kernel tells the loader the executable's real path; libraries keep the path
    // they were opened by (glibc does not resolve it).
    s.origin = !o.parent && !o.soname ? dir_name(o.path) : dir_name(o.opened_as);
    s.rpath = o.rpath;
    s.runpath = o.runpath;
    s.nodeflib = o.nodeflib;
    chain.push_back(std::move(s));
  }
  return chain;
}

std::optional<size_t> ElfClosure::loaded_by_name(std::string_view name, const ElfAbi& abi) const {
  for (size_t i = 0; i < objects_.size(); ++i) {
    const auto& o = objects_[i];
    if (o.soname && *o.soname == name && o.abi && o.abi->elf_class == abi.elf_class &&
        o.abi->endian == abi.endian && o.abi->machine == abi.machine) {
      return i;
    }
  }
  return std::nullopt;
}

void ElfClosure::resolve_needed(size_t index) {
  if (!objects_[index].abi) return;
  const ElfAbi abi = *objects_[index].abi;
  const LoaderFlavor flavor = objects_[index].flavor;
  const std::optional<std::string> interp = objects_[index].interp;
  const std::string path = objects_[index].path;
  auto chain = chain_of(index);

  size_t count = objects_[index].needed.size();
  for (size_t k = 0; k < count; ++k) {
    NeededLibrary n = objects_[index].needed[k];
    auto found = search_.find(n.name, chain, abi, flavor, interp.value_or(""));
    n.skipped = std::move(found.skipped);
    if (found.match) {
      n.path = found.match->real_path;
      n.opened_as = found.match->path;
      n.via = found.match->via;
      n.symlinks = symlink_chain(fs_, n.opened_as, options_.readlink);
      add_object(n.opened_as, "DT_NEEDED of " + path, index, flavor, interp);
      for (auto& v : found.match->variants) {
        if (auto vi = add_object(v, fmt::format("{} variant of {} for {}", v, n.name, path), index,
                                 flavor, interp)) {
          n.variants.push_back(objects_[*vi].path);
        }
      }
    } else if (auto j = loaded_by_name(n.name, abi)) {
      n.path = objects_[*j].path;
      n.opened_as = objects_[*j].opened_as;
      n.via = "already loaded (DT_SONAME)";
    }
    objects_[index].needed[k] = std::move(n);
  }

  // The interpreter of an object that names one (executables, and libc.so.6 itself).
  if (auto own = objects_[index].interp;
      own && objects_[index].flavor == loader_flavor(*own) && !objects_[index].error.size()) {
    NeededLibrary n = named(*own, "PT_INTERP");
    std::string opened = strip_leading_slashes(*own);
    if (auto real = fs_.resolve(opened)) {
      n.path = *real;
      n.opened_as = opened;
      n.symlinks = symlink_chain(fs_, opened, options_.readlink);
      add_object(opened, "PT_INTERP of " + path, index, flavor, interp);
    }
    objects_[index].needed.push_back(std::move(n));
  }
}

bool ElfClosure::add_dlopen(std::string_view name, std::string_view by) {
  auto real_by = fs_.resolve(strip_leading_slashes(by));
  if (!real_by) return false;
  if (!by_path_.count(*real_by)) add_root(*real_by);
  size_t index = by_path_.at(*real_by);
  const ClosureObject& o = objects_[index];
  NeededLibrary n = named(std::string(name));
  if (o.abi) {
    auto found = search_.find(name, chain_of(index), *o.abi, o.flavor, o.interp.value_or(""));
    n.skipped = std::move(found.skipped);
    if (found.match) {
      n.path = found.match->real_path;
      n.opened_as = found.match->path;
      n.via = found.match->via;
      n.symlinks = symlink_chain(fs_, n.opened_as, options_.readlink);
      auto flavor = o.flavor;
      auto interp = o.interp;
      add_object(n.opened_as, "dlopen by " + *real_by, index, flavor, interp);
      for (auto& v : found.match->variants) {
        if (auto vi = add_object(v, "variant for dlopen by " + *real_by, index, flavor, interp)) {
          n.variants.push_back(objects_[*vi].path);
        }
      }
    }
  }
  bool ok = n.path.has_value();
  objects_[index].dlopened.push_back(std::move(n));
  return ok;
}

void ElfClosure::resolve() {
  while (next_ < objects_.size())
    resolve_needed(next_++);
}

const ClosureObject* ElfClosure::find(std::string_view real_path) const {
  auto it = by_path_.find(strip_leading_slashes(real_path));
  return it == by_path_.end() ? nullptr : &objects_[it->second];
}

std::string ElfClosure::reason_chain(size_t index) const {
  std::string out = objects_.at(index).path + ": ";
  std::set<size_t> seen;
  bool first = true;
  for (std::optional<size_t> i = index; i && seen.insert(*i).second; i = objects_[*i].parent) {
    if (!first) out += " <- ";
    out += objects_[*i].reason;
    first = false;
  }
  return out;
}

std::vector<ElfClosure::Missing> ElfClosure::missing() const {
  std::vector<Missing> out;
  for (auto& r : missing_roots_)
    out.push_back({r, SIZE_MAX, "root"});
  for (size_t i = 0; i < objects_.size(); ++i) {
    for (auto& n : objects_[i].needed) {
      if (n.path) continue;
      std::string what = n.via == "PT_INTERP" ? "PT_INTERP" : "DT_NEEDED";
      out.push_back({n.name, i, what + " of " + objects_[i].path});
    }
    for (auto& n : objects_[i].dlopened) {
      if (!n.path) out.push_back({n.name, i, "dlopen by " + objects_[i].path});
    }
  }
  return out;
}

std::vector<SymlinkHop> ElfClosure::symlinks() const {
  std::vector<SymlinkHop> out;
  std::set<std::string> seen;
  auto add = [&](const std::vector<SymlinkHop>& hops) {
    for (auto& h : hops) {
      if (seen.insert(h.path).second) out.push_back(h);
    }
  };
  for (auto& o : objects_) {
    add(o.symlinks);
    for (auto& n : o.needed)
      add(n.symlinks);
    for (auto& n : o.dlopened)
      add(n.symlinks);
  }
  return out;
}

std::vector<std::string> ElfClosure::paths() const {
  std::set<std::string> out;
  for (auto& o : objects_)
    out.insert(o.path);
  for (auto& h : symlinks())
    out.insert(h.path);
  return {out.begin(), out.end()};
}

}  // namespace imgstrip
