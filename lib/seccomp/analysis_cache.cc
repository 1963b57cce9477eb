#include "seccomp/analysis_cache.h"

#include <system_error>

#include "core/error.h"
#include "core/stream.h"
#include "oci/digest.h"
#include "seccomp/analysis_codec.h"

namespace imgstrip {

namespace {

using nlohmann::json;

json value_to_json(const ValueSet& v) {
  json j = json::object();
  if (!v.constants.empty()) j["c"] = v.constants;
  if (v.param) j["p"] = *v.param;
  if (v.unknown) j["u"] = v.why;
  return j;
}

ValueSet value_from_json(const json& j) {
  ValueSet v;
  if (j.contains("c")) v.constants = j.at("c").get<std::vector<int64_t>>();
  if (j.contains("p")) v.param = j.at("p").get<int>();
  if (j.contains("u")) {
    v.unknown = true;
    v.why = j.at("u").get<std::string>();
  }
  return v;
}

}  // namespace

json analysis_to_json(const ObjectAnalysis& a) {
  json fns = json::array();
  for (const auto& f : a.functions) {
    json jf = {{"s", f.start}, {"e", f.end}};
    if (!f.name.empty()) jf["n"] = f.name;
    if (f.number_param) jf["w"] = *f.number_param;
    if (!f.syscalls.empty()) {
      json sites = json::array();
      for (const auto& s : f.syscalls) {
        json site = {s.addr, value_to_json(s.number)};
        if (s.arg0) site.push_back(value_to_json(*s.arg0));
        sites.push_back(std::move(site));
      }
      jf["sc"] = std::move(sites);
    }
    if (!f.calls.empty()) {
      json calls = json::array();
      for (const auto& c : f.calls) {
        json jc = {{"a", c.addr}};
        if (c.import.empty())
          jc["t"] = c.target;
        else
          jc["i"] = c.import;
        if (c.tail) jc["j"] = true;
        if (c.number) jc["v"] = value_to_json(*c.number);
        calls.push_back(std::move(jc));
      }
      jf["c"] = std::move(calls);
    }
    if (!f.takes.empty()) jf["t"] = f.takes;
    if (!f.takes_imports.empty()) jf["ti"] = f.takes_imports;
    if (!f.data_uses.empty()) jf["du"] = f.data_uses;
    if (f.name_param) jf["np"] = *f.name_param;
    if (f.argument_param) jf["ap"] = *f.argument_param;
    if (!f.passes.empty()) {
      json passes = json::array();
      for (const auto& p : f.passes)
        passes.push_back({p.call, value_to_json(p.value)});
      jf["pa"] = std::move(passes);
    }
    if (!f.lookups.empty()) {
      json lookups = json::array();
      for (const auto& l : f.lookups) {
        json jl = {{"a", l.addr}, {"n", l.names}};
        if (l.unknown) jl["u"] = l.why;
        lookups.push_back(std::move(jl));
      }
      jf["l"] = std::move(lookups);
    }
    fns.push_back(std::move(jf));
  }
  json slots = json::array();
  for (const auto& s : a.data_slots)
    slots.push_back({s.at, s.function, s.data});
  json methods = json::array();
  for (const auto& m : a.named.functions)
    methods.push_back({m.slot, m.function, m.name, m.by == Interpreter::Php ? "php" : "python"});
  json j = {{"format", ObjectAnalysis::kFormat},
            {"arch", arch_name(a.arch)},
            {"functions", std::move(fns)},
            {"init", a.init},
            {"fini", a.fini},
            {"data_refs", a.data_refs},
            {"data_imports", a.data_imports},
            {"data_anchors", a.data_anchors},
            {"data_strong", a.data_strong},
            {"data_slots", std::move(slots)},
            {"data_roots", a.data_roots},
            {"exports", a.exports},
            {"named_functions", std::move(methods)},
            {"named_c_names", a.named.c_names},
            {"notes", a.notes},
            {"instructions", a.instructions}};
  if (a.entry) j["entry"] = *a.entry;
  return j;
}

ObjectAnalysis analysis_from_json(const json& j) {
  try {
    if (j.at("format").get<int>() != ObjectAnalysis::kFormat) fail("analysis format differs");
    ObjectAnalysis a;
    auto arch = parse_arch(j.at("arch").get<std::string>());
    if (!arch) fail("unknown architecture");
    a.arch = *arch;
    if (j.contains("entry")) a.entry = j.at("entry").get<uint64_t>();
    for (const auto& jf : j.at("functions")) {
      Function f;
      f.start = jf.at("s").get<uint64_t>();
      f.end = jf.at("e").get<uint64_t>();
      if (jf.contains("n")) f.name = jf.at("n").get<std::string>();
      if (jf.contains("w")) f.number_param = jf.at("w").get<int>();
      if (jf.contains("sc"))
        for (const auto& s : jf.at("sc")) {
          SyscallSite site{s.at(0).get<uint64_t>(), value_from_json(s.at(1)), std::nullopt};
          if (s.size() > 2) site.arg0 = value_from_json(s.at(2));
          f.syscalls.push_back(std::move(site));
        }
      if (jf.contains("c")) {
        for (const auto& jc : jf.at("c")) {
          CallSite c;
          c.addr = jc.at("a").get<uint64_t>();
          if (jc.contains("i"))
            c.import = jc.at("i").get<std::string>();
          else
            c.target = jc.at("t").get<uint64_t>();
          c.tail = jc.contains("j");
          if (jc.contains("v")) c.number = value_from_json(jc.at("v"));
          f.calls.push_back(std::move(c));
        }
      }
      if (jf.contains("t")) f.takes = jf.at("t").get<std::vector<uint64_t>>();
      if (jf.contains("ti")) f.takes_imports = jf.at("ti").get<std::vector<std::string>>();
      if (jf.contains("du")) f.data_uses = jf.at("du").get<std::vector<uint64_t>>();
      if (jf.contains("np")) f.name_param = jf.at("np").get<int>();
      if (jf.contains("ap")) f.argument_param = jf.at("ap").get<int>();
      if (jf.contains("pa"))
        for (const auto& p : jf.at("pa"))
          f.passes.push_back({p.at(0).get<uint64_t>(), value_from_json(p.at(1))});
      if (jf.contains("l")) {
        for (const auto& jl : jf.at("l")) {
          SymbolLookup l;
          l.addr = jl.at("a").get<uint64_t>();
          l.names = jl.at("n").get<std::vector<std::string>>();
          if (jl.contains("u")) {
            l.unknown = true;
            l.why = jl.at("u").get<std::string>();
          }
          f.lookups.push_back(std::move(l));
        }
      }
      a.functions.push_back(std::move(f));
    }
    a.init = j.at("init").get<std::vector<uint64_t>>();
    a.fini = j.at("fini").get<std::vector<uint64_t>>();
    a.data_refs = j.at("data_refs").get<std::vector<uint64_t>>();
    a.data_imports = j.at("data_imports").get<std::vector<std::string>>();
    a.data_anchors = j.at("data_anchors").get<std::vector<uint64_t>>();
    a.data_strong = j.at("data_strong").get<std::vector<bool>>();
    if (a.data_strong.size() != a.data_anchors.size()) fail("data_strong does not match");
    for (const auto& s : j.at("data_slots"))
      a.data_slots.push_back(
          {s.at(0).get<uint64_t>(), s.at(1).get<uint64_t>(), s.at(2).get<uint64_t>()});
    a.data_roots = j.at("data_roots").get<std::vector<uint64_t>>();
    a.exports = j.at("exports").get<std::map<std::string, uint64_t>>();
    for (const auto& m : j.at("named_functions"))
      a.named.functions.push_back(
          {m.at(0).get<uint64_t>(), m.at(1).get<uint64_t>(), m.at(2).get<std::string>(),
           m.at(3).get<std::string>() == "php" ? Interpreter::Php : Interpreter::Python});
    a.named.c_names = j.at("named_c_names").get<std::vector<std::string>>();
    a.notes = j.at("notes").get<std::vector<std::string>>();
    a.instructions = j.at("instructions").get<uint64_t>();
    return a;
  } catch (const json::exception& e) {
    fail("malformed cached analysis: {}", e.what());
  }
}

AnalysisCache::AnalysisCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::filesystem::path AnalysisCache::path_of(std::string_view digest_hex) const {
  return dir_ / (std::string(digest_hex) + ".bin");
}

std::optional<ObjectAnalysis> AnalysisCache::get(std::string_view digest_hex) const {
  if (dir_.empty()) return std::nullopt;
  std::error_code ec;
  auto path = path_of(digest_hex);
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  try {
    std::string bytes = read_file(path, size_t{1} << 30);
    return decode_analysis(bytes);
  } catch (const std::exception&) {
    return std::nullopt;  // stale or damaged: analysed again and overwritten
  }
}

void AnalysisCache::put(std::string_view digest_hex, const ObjectAnalysis& a) const {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) fail("cannot create analysis cache {}: {}", dir_.string(), ec.message());
  write_file_atomic(path_of(digest_hex), encode_analysis(a));
}

std::filesystem::path AnalysisCache::alias_of(std::string_view key) const {
  return dir_ / ("key-" + sha256_of(key).hex);
}

std::optional<ObjectAnalysis> AnalysisCache::get_by_key(std::string_view key) const {
  if (dir_.empty()) return std::nullopt;
  std::string digest;
  try {
    digest = read_file(alias_of(key), 128);
  } catch (const std::exception&) {
    return std::nullopt;  // no alias yet
  }
  if (digest.size() != 64 || digest.find_first_not_of("0123456789abcdef") != std::string::npos)
    return std::nullopt;  // damaged: rewritten after the analysis
  return get(digest);
}

ObjectAnalysis AnalysisCache::analyze(std::string bytes, const std::string& name, bool* hit,
                                      std::string_view key) const {
  std::string digest = sha256_of(bytes).hex;
  std::optional<ObjectAnalysis> cached = get(digest);
  if (hit) *hit = cached.has_value();
  if (!cached) {
    cached = analyze_object(ElfFile::parse(std::move(bytes), name));
    put(digest, *cached);
  }
  if (!key.empty() && enabled()) write_file_atomic(alias_of(key), digest);
  return std::move(*cached);
}

}  // namespace imgstrip
