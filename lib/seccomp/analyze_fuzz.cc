// libFuzzer target: any bytes must give an analysis (and its JSON) or an Error, never a
// crash. Build with -DIMGSTRIP_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ and run
// build/lib/seccomp/fuzz_seccomp_analyze.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "core/error.h"
#include "elf/elf_file.h"
#include "seccomp/analysis_cache.h"
#include "seccomp/call_graph.h"
#include "seccomp/object_analysis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    auto elf = imgstrip::ElfFile::parse(std::move(bytes), "fuzz");
    auto a = std::make_shared<imgstrip::ObjectAnalysis>(imgstrip::analyze_object(elf));
    (void)imgstrip::analysis_from_json(imgstrip::analysis_to_json(*a));
    imgstrip::GraphObject g{
        "fuzz", a, {}, true, false, {}, std::make_shared<const imgstrip::CalledNames>()};
    (void)imgstrip::analyze_call_graph({g}, imgstrip::FallbackPolicy::AllowWrapperReach);
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
