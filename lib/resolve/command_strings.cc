#include "resolve/command_strings.h"

#include <array>

#include "core/path.h"

namespace imgstrip {
namespace {

constexpr size_t kMaxString = 4096;  // longer runs are data, not a command name

bool printable(char c) {
  return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
}

}  // namespace

std::set<std::string> command_names_in(const FileTree& tree, const Entry& e,
                                       const std::set<std::string>& names,
                                       const std::set<std::string>& path_names) {
  std::set<std::string> found;
  if (names.empty() && path_names.empty()) return found;
  auto in = tree.open(e);
  std::array<char, 64 * 1024> buf{};
  std::string run;
  bool too_long = false;
  auto end_of_run = [&](bool at_nul) {
    if (at_nul && !too_long && !run.empty()) {
      std::string base(base_name(run));
      if (names.count(base) != 0 ||
          (path_names.count(base) != 0 && run.find('/') != std::string::npos)) {
        found.insert(base);
      }
    }
    run.clear();
    too_long = false;
  };
  for (;;) {
    size_t n = in->read(buf.data(), buf.size());
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) {
      char c = buf[i];
      if (printable(c)) {
        if (run.size() < kMaxString) {
          run.push_back(c);
        } else {
          too_long = true;
        }
      } else {
        end_of_run(c == '\0');
      }
    }
  }
  return found;
}

}  // namespace imgstrip
