// The verify report: text for a terminal and JSON for pipelines (the library builds them; the
// CLI prints them).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "verify/verify.h"

namespace imgstrip::verify {

std::string report_text(const VerifyResult& result);
nlohmann::json report_json(const VerifyResult& result);

}  // namespace imgstrip::verify
