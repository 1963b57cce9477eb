#include "seccomp/seccomp_analysis.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.h"
#include "seccomp/analysis_cache.h"

namespace imgstrip {

SyscallAnalysis analyze_syscalls(const RootFs& fs, const ElfClosure& closure,
                                 const SeccompOptions& options) {
  const auto& objects = closure.objects();
  AnalysisCache cache(options.cache_dir);
  std::vector<std::shared_ptr<const ObjectAnalysis>> results(objects.size());
  std::vector<std::string> errors(objects.size());
  std::atomic<size_t> next{0}, hits{0};

  auto work = [&] {
    for (size_t i = next++; i < objects.size(); i = next++) {
      const ClosureObject& o = objects[i];
      if (!o.error.empty()) {
        errors[i] = o.error;
        continue;
      }
      try {
        std::optional<std::string> key;
        if (cache.enabled()) key = fs.content_key(o.path);
        if (key) {
          if (auto cached = cache.get_by_key(*key)) {
            results[i] = std::make_shared<ObjectAnalysis>(std::move(*cached));
            ++hits;
            continue;
          }
        }
        auto bytes = fs.read(o.path, options.max_file_size);
        if (!bytes) {
          errors[i] = fmt::format("{}: cannot be read", o.path);
          continue;
        }
        bool hit = false;
        results[i] = std::make_shared<ObjectAnalysis>(
            cache.analyze(std::move(*bytes), o.path, &hit, key.value_or("")));
        if (hit) ++hits;
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    }
  };
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<size_t>(jobs, std::max<size_t>(objects.size(), 1)));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t)
    threads.emplace_back(work);
  work();
  for (auto& t : threads)
    t.join();

  // Loaders: whatever some object names in PT_INTERP.
  std::set<std::string> loaders;
  for (const auto& o : objects)
    for (const auto& n : o.needed)
      if (n.via == "PT_INTERP" && n.path) loaders.insert(*n.path);
  std::set<std::string> dlopened(options.dlopened.begin(), options.dlopened.end());
  std::set<std::string> programs(options.programs.begin(), options.programs.end());
  auto is_program = [&](const ClosureObject& o) {
    if (loaders.count(o.path)) return true;
    if (!options.programs.empty()) return programs.count(o.path) > 0;
    return !o.parent.has_value() && !dlopened.count(o.path);
  };

  std::optional<CalledNames> pool = options.script_names;
  if (!pool && options.script_names_source &&
      std::any_of(results.begin(), results.end(),
                  [](const auto& r) { return r && !r->named.functions.empty(); }))
    pool = options.script_names_source();
  std::shared_ptr<CalledNames> script_names;
  if (pool) {
    script_names = std::make_shared<CalledNames>(std::move(*pool));
    for (const auto& r : results) {
      if (!r) continue;
      script_names->python.insert(r->named.c_names.begin(), r->named.c_names.end());
      script_names->php.insert(r->named.c_names.begin(), r->named.c_names.end());
    }
  }

  std::vector<GraphObject> graph;
  std::vector<size_t> index(objects.size(), SIZE_MAX);
  std::vector<std::string> notes;
  for (size_t i = 0; i < objects.size(); ++i) {
    const ClosureObject& o = objects[i];
    if (!results[i]) {
      if (is_program(o)) fail("cannot analyse the system calls of {}: {}", o.path, errors[i]);
      notes.push_back(fmt::format("{} left out: {}", o.path, errors[i]));
      continue;
    }
    index[i] = graph.size();
    GraphObject g;
    g.path = o.path;
    g.analysis = results[i];
    g.dlopened = dlopened.count(o.path) > 0;
    g.program = is_program(o) && !g.dlopened;
    if (auto c = options.cut_imports.find(o.path); c != options.cut_imports.end())
      g.cut_imports = c->second;
    g.script_names = script_names;
    graph.push_back(std::move(g));
  }
  for (size_t i = 0; i < objects.size(); ++i) {
    if (index[i] == SIZE_MAX) continue;
    for (const auto& n : objects[i].needed) {
      if (!n.path) continue;
      const ClosureObject* d = closure.find(*n.path);
      if (!d) continue;
      size_t di = static_cast<size_t>(d - objects.data());
      if (index[di] != SIZE_MAX) graph[index[i]].needed.push_back(index[di]);
    }
  }
  SyscallAnalysis out = analyze_call_graph(graph, options.fallback);
  out.cache_hits = hits;
  out.notes.insert(out.notes.begin(), notes.begin(), notes.end());
  return out;
}

}  // namespace imgstrip
