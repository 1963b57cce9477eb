// A one-line progress display on stderr for blob transfers (only on a terminal).
#pragma once

#include <functional>

#include "registry/options.h"

namespace imgstrip::cli {

std::function<void(const TransferProgress&)> progress_display();

}  // namespace imgstrip::cli
