#include "harden/run_args.h"

namespace imgstrip {

std::vector<std::string> run_flags(RunEngine engine, std::string_view capabilities_label,
                                   const std::optional<std::string>& seccomp_file,
                                   bool seccomp_label) {
  std::vector<std::string> out;
  if (seccomp_file) {
    out.push_back("--security-opt");
    out.push_back("seccomp=" + *seccomp_file);
  } else if (engine == RunEngine::Podman && seccomp_label) {
    out.push_back("--seccomp-policy=image");
  }
  out.push_back("--cap-drop");
  out.push_back("ALL");
  std::string_view rest = capabilities_label;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view cap = rest.substr(0, comma);
    if (!cap.empty()) {
      out.push_back("--cap-add");
      out.emplace_back(cap);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::string shell_words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    bool plain = !w.empty();
    for (char c : w) {
      auto u = static_cast<unsigned char>(c);
      bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                std::string_view("_./:=,@%+-").find(c) != std::string_view::npos;
      if (!ok) plain = false;
    }
    if (plain) {
      out += w;
      continue;
    }
    out += '\'';
    for (char c : w) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

}  // namespace imgstrip
