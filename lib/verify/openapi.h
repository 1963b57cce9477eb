// An exercise generated from an OpenAPI 3 document (JSON): every path and method, with
// parameters and bodies from the document's examples or generated from their schemas, and
// probes an attacker would send: a malformed and an oversized body for each operation that
// takes one, path traversal through each path parameter and the path itself, and a method
// each path does not declare.
#pragma once

#include <string_view>
#include <vector>

#include "verify/request.h"

namespace imgstrip::verify {

struct OpenApiOptions {
  bool probes = true;
  size_t oversized_bytes = 1 << 20;
};

// Throws UsageError when the text is not an OpenAPI 3 JSON document (YAML is not read).
std::vector<Request> requests_from_openapi(std::string_view text, std::string_view name,
                                           const OpenApiOptions& options = {});

}  // namespace imgstrip::verify
