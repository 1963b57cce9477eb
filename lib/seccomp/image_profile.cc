#include "seccomp/image_profile.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "elf/closure.h"
#include "seccomp/argument_filter.h"
#include "seccomp/script_names.h"

namespace imgstrip {

namespace {

nlohmann::json init_names(const std::vector<InitProcess>& inits) {
  nlohmann::json out = nlohmann::json::array();
  for (InitProcess i : inits)
    out.push_back(init_name(i));
  return out;
}

enum class ElfKind : uint8_t { NotElf, Program, Shared, Other };

template <typename T>
T get(std::string_view b, size_t off) {
  T v{};
  if (off + sizeof(T) <= b.size()) std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

// What the first bytes of a file say: an executable (ET_EXEC, or ET_DYN with PT_INTERP), a
// shared object, or something not analysed here. Only little-endian ELF64 is analysed.
ElfKind elf_kind(const FileTree& tree, const Entry& e, std::string* why) {
  if (e.size < 64) return ElfKind::NotElf;
  std::string head = tree.read_start(e, 4096);
  if (head.size() < 64 || head.compare(0, 4,
                                       "\x7f"
                                       "ELF") != 0)
    return ElfKind::NotElf;
  if (head[EI_CLASS] != ELFCLASS64 || head[EI_DATA] != ELFDATA2LSB) {
    *why = "not a little-endian ELF64 object";
    return ElfKind::Other;
  }
  auto type = get<uint16_t>(head, 16);
  auto machine = get<uint16_t>(head, 18);
  if (machine != EM_X86_64 && machine != EM_AARCH64) {
    *why = fmt::format("machine {} is not analysed", machine);
    return ElfKind::Other;
  }
  if (type == ET_EXEC) return ElfKind::Program;
  if (type != ET_DYN) {
    *why = fmt::format("ELF type {} is not loaded", type);
    return ElfKind::Other;
  }
  auto phoff = get<uint64_t>(head, 32);
  auto phentsize = get<uint16_t>(head, 54);
  auto phnum = get<uint16_t>(head, 56);
  if (phentsize < sizeof(Elf64_Phdr)) return ElfKind::Shared;
  for (uint64_t i = 0; i < phnum; ++i) {
    uint64_t off = phoff + i * phentsize;
    if (off + sizeof(Elf64_Phdr) > head.size()) break;  // headers past 4 KiB: rare, a library
    if (get<uint32_t>(head, static_cast<size_t>(off)) == PT_INTERP) return ElfKind::Program;
  }
  return ElfKind::Shared;
}

}  // namespace

std::set<std::string> all_files(const FileTree& tree) {
  std::set<std::string> out;
  for (const auto& [path, e] : tree.entries())
    if (e.type == FileType::Regular) out.insert(path);
  return out;
}

ImageSeccomp seccomp_profile_for(const FileTree& tree, const std::set<std::string>& kept,
                                 const SeccompSettings& settings) {
  ImageSeccomp out;
  std::vector<std::string> programs, shared;
  for (const auto& k : kept) {
    std::string path = FileTree::normalize(k);
    const Entry* e = tree.find(path);
    if (!e || e->type != FileType::Regular) continue;
    std::string why;
    switch (elf_kind(tree, *e, &why)) {
      case ElfKind::Program:
        programs.push_back(path);
        break;
      case ElfKind::Shared:
        shared.push_back(path);
        break;
      case ElfKind::Other:
        out.skipped.push_back(fmt::format("{}: {}", path, why));
        break;
      case ElfKind::NotElf:
        break;
    }
  }

  ClosureOptions co;
  co.env.ld_library_path = settings.ld_library_path;
  ElfClosure closure(tree, co);
  for (const auto& p : programs)
    closure.add_root(p, "kept program");
  for (const auto& s : shared)
    closure.add_root(s, "kept shared object");
  closure.resolve();

  // A kept library some kept object needs is loaded through that object; the others are
  // loaded with dlopen. An executable some object needs (libc.so.6 has a PT_INTERP) is a
  // library too.
  std::map<std::string, std::set<std::string>> needers;  // object -> the objects needing it
  for (const auto& o : closure.objects())
    for (const auto& n : o.needed)
      if (n.path) needers[*n.path].insert(o.path);
  auto needed = [&](const std::string& p) { return needers.count(p) > 0; };
  auto real = [&](const std::string& p) { return tree.resolve(p).value_or(p); };
  for (const auto& p : programs) {
    std::string r = real(p);
    if (needed(r)) continue;
    const ClosureObject* o = closure.find(r);
    if (o && !o->error.empty()) {
      out.skipped.push_back(fmt::format("{}: {}", p, o->error));
      continue;
    }
    out.programs.push_back(r);
  }
  for (const auto& s : shared) {
    std::string r = real(s);
    const ClosureObject* o = closure.find(r);
    if (needed(r) || !o) continue;
    if (!o->error.empty()) {
      out.skipped.push_back(fmt::format("{}: {}", s, o->error));
      continue;
    }
    if (o->is_static && !o->soname) {
      out.programs.push_back(r);  // static-pie
      continue;
    }
    out.dlopened.push_back(r);
  }

  out.java_modules = java_module_gates(tree, kept, settings.command_line, out.dlopened);
  std::set<std::string> not_loaded;
  for (const auto& g : out.java_modules)
    for (const auto& l : g.not_loaded)
      not_loaded.insert(l.path);
  if (!not_loaded.empty()) {
    std::erase_if(out.dlopened, [&](const std::string& p) { return not_loaded.count(p) > 0; });
    // A library that only libraries left out need would have been taken as loaded with
    // dlopen without them (it may be loaded by name too): so it is now.
    std::set<std::string> programs_set(out.programs.begin(), out.programs.end());
    for (const auto& [lib, by] : needers) {
      if (not_loaded.count(lib) || programs_set.count(lib)) continue;
      const ClosureObject* o = closure.find(lib);
      if (o == nullptr || !o->error.empty() || (o->is_static && !o->soname)) continue;
      if (std::all_of(by.begin(), by.end(),
                      [&](const std::string& n) { return not_loaded.count(n) > 0; }))
        out.dlopened.push_back(lib);
    }
  }

  SeccompOptions so = settings.analysis;
  so.programs = out.programs;
  so.dlopened = out.dlopened;
  std::vector<std::string> objects;
  for (const auto& o : closure.objects())
    if (o.error.empty()) objects.push_back(o.path);
  out.gates = config_gates(tree, kept, objects, settings.command_line);
  for (const auto& g : out.gates)
    if (!g.enabled) so.cut_imports[g.program].push_back(g.import);
  so.script_names_source = [&]() {
    ScriptNames names = script_names(tree, kept, settings.command_line);
    out.names_not_gated = names.why_not;
    return std::move(names.names);
  };
  out.analysis = analyze_syscalls(tree, closure, so);
  out.profile = make_profile(out.analysis, settings.profile);
  out.inits = settings.profile.inits;
  return out;
}

nlohmann::json seccomp_report_json(const ImageSeccomp& s) {
  using nlohmann::json;
  const SyscallAnalysis& a = s.analysis;
  json unresolved = json::array();
  for (const auto& u : a.unresolved)
    unresolved.push_back({{"object", u.object},
                          {"function", u.function},
                          {"site", fmt::format("{:#x}", u.site)},
                          {"why", u.why},
                          {"wrapperCall", u.wrapper_call},
                          {"symbolLookup", u.symbol_lookup}});
  json configuration = json::array();
  for (const auto& g : s.gates)
    configuration.push_back({{"program", g.program},
                             {"what", g.what},
                             {"calls", g.import},
                             {"enabled", g.enabled},
                             {"decidedBy", g.decided_by}});
  // Functions called by name that no kept file names: left out of the profile, per object.
  json named = json::object();
  json left_out = json::array();
  for (const auto& p : a.named_left_out)
    left_out.push_back({{"object", p.object}, {"functions", p.methods}, {"leftOut", p.names}});
  named["leftOut"] = std::move(left_out);
  if (!s.names_not_gated.empty()) named["notGated"] = s.names_not_gated;
  json allowed = explain_json(a);
  for (const auto& r : s.profile.from_runtime)
    allowed[r] = {{"runtime", true}};
  for (InitProcess i : s.inits)
    for (std::string_view n : init_syscalls(i)) {
      std::string name(n);
      if (std::find(s.profile.from_init.begin(), s.profile.from_init.end(), name) ==
          s.profile.from_init.end())
        continue;
      json& who = allowed[name]["init"];
      if (!who.is_array()) who = json::array();
      who.push_back(init_name(i));
    }
  for (const auto& d : s.profile.denied)
    if (allowed.contains(d)) allowed[d]["denied"] = "ENOSYS: filtered flags cannot be checked";
  // Per traced syscall: the first arguments allowed (value and name), or why it is not filtered.
  json arguments = json::object();
  for (const auto& [name, values] : s.profile.filtered) {
    json list = json::array();
    for (uint64_t v : values)
      list.push_back({{"value", v}, {"name", argument_value_name(name, v)}});
    arguments[name] = {{"index", 0}, {"allowed", std::move(list)}};
  }
  for (const auto& [name, why] : s.profile.unfiltered)
    arguments[name] = {{"index", 0}, {"unfiltered", why}};
  return json{{"allowedCount", s.profile.allowed.size()},
              {"allowed", s.profile.allowed},
              {"fromRuntime", s.profile.from_runtime},
              {"inits", init_names(s.inits)},
              {"fromInit", s.profile.from_init},
              {"denied", s.profile.denied},
              {"fallback", fallback_name(a.fallback)},
              {"fromFallback", a.from_fallback.size()},
              {"programs", s.programs},
              {"dlopened", s.dlopened},
              {"skipped", s.skipped},
              {"objects", a.objects},
              {"functions", a.functions},
              {"reachableFunctions", a.reachable_functions},
              {"roots", a.roots},
              {"cacheHits", a.cache_hits},
              {"explain", std::move(allowed)},
              {"unresolved", std::move(unresolved)},
              {"notes", a.notes},
              {"configuration", std::move(configuration)},
              {"javaModules", java_module_gates_json(s.java_modules)},
              {"namedFunctions", std::move(named)},
              {"argumentFilters", std::move(arguments)},
              {"profile", s.profile.json}};
}

std::string decisions_text(const ImageSeccomp& s) {
  std::string out;
  // One line per object and setting, its imports together (libkrb5's keyutils calls).
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> off;
  for (const auto& g : s.gates)
    if (!g.enabled) off[{g.program, g.what, g.decided_by}].push_back(g.import);
  for (const auto& [key, imports] : off) {
    const auto& [object, what, why] = key;
    out += fmt::format("left out by the configuration: {} calls to {} ({}): {}\n", object,
                       fmt::join(imports, ", "), what, why);
  }
  for (const auto& j : s.java_modules) {
    for (const auto& l : j.not_loaded)
      out += fmt::format(
          "not loaded: {}: its natives belong to {}, outside the boot layer of /{} ({} of {} "
          "modules)\n",
          l.path, fmt::join(l.modules, ", "), j.image, j.boot_layer, j.modules);
    if (!j.not_gated.empty())
      out += fmt::format("every JNI library of /{} counted: {}\n", j.image, j.not_gated);
  }
  return out;
}

}  // namespace imgstrip
