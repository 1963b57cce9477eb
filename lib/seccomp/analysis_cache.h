// Per-object analysis results cached by content: one file per object (the compact binary
// form of analysis_codec.h; the JSON form below is for tests and tools), named by the
// sha256 of the file's bytes, in a cache directory. An unchanged binary is never
// disassembled twice. Entries of another format version are ignored and rewritten.
// A content key (RootFs::content_key: the layers and path a file came from) names an
// entry too, through a small alias file holding the content digest, so a file met again
// in the same layers is neither read nor hashed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "seccomp/object_analysis.h"

namespace imgstrip {

nlohmann::json analysis_to_json(const ObjectAnalysis& a);
// Throws Error when `j` is not an analysis of the current format.
ObjectAnalysis analysis_from_json(const nlohmann::json& j);

class AnalysisCache {
 public:
  // An empty directory disables the cache.
  explicit AnalysisCache(std::filesystem::path dir = {});

  std::optional<ObjectAnalysis> get(std::string_view digest_hex) const;
  void put(std::string_view digest_hex, const ObjectAnalysis& a) const;
  bool enabled() const { return !dir_.empty(); }

  // The entry a content key names, if both the alias and the entry are there.
  std::optional<ObjectAnalysis> get_by_key(std::string_view key) const;

  // The analysis of `bytes` (named `name` in messages), from the cache or computed (and
  // stored, under `key` too when it is not empty). `hit` tells which.
  ObjectAnalysis analyze(std::string bytes, const std::string& name, bool* hit = nullptr,
                         std::string_view key = {}) const;

 private:
  std::filesystem::path path_of(std::string_view digest_hex) const;
  std::filesystem::path alias_of(std::string_view key) const;
  std::filesystem::path dir_;
};

}  // namespace imgstrip
