#include "verify/report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/text.h"
#include "harden/run_args.h"

namespace imgstrip::verify {

namespace {

constexpr size_t kShownBody = 300;

std::string shown(const Outcome& o) {
  if (!o.error.empty()) return "no answer: " + o.error;
  std::string body = one_line(o.body);
  if (body.size() > kShownBody)
    body = body.substr(0, kShownBody) + fmt::format("... ({} bytes)", o.body.size());
  return fmt::format("{} {}", o.status, body);
}

nlohmann::json outcome_json(const Outcome& o) {
  nlohmann::json j = {{"step", o.step}, {"origin", o.origin}};
  if (!o.error.empty()) {
    j["error"] = o.error;
  } else {
    j[o.is_exec ? "exit" : "status"] = o.status;
    std::string body = o.body.size() > 4096 ? o.body.substr(0, 4096) : o.body;
    j[o.is_exec ? "output" : "body"] = body;
  }
  return j;
}

}  // namespace

std::string report_text(const VerifyResult& r) {
  std::string out;
  size_t steps = r.stripped.outcomes.size();
  if (r.original_unready) {
    out += fmt::format(
        "NOT VERIFIED: the original never answered HTTP on port {} within the timeout: nothing "
        "to compare against (check --http, --env, --timeout)\n",
        fmt::join(r.ports, ", "));
    out += fmt::format("original container's last log lines ({}):\n", r.original.log_tail.size());
    for (const std::string& l : r.original.log_tail)
      out += "  | " + l + "\n";
  } else if (r.same()) {
    out += fmt::format(
        "same: {} and {} gave the same answers to {} steps ({}); the stripped "
        "container still runs\n",
        r.original.image, r.stripped.image, steps, r.engine);
  } else {
    out += fmt::format("DIFFERENT: {} of {} steps differ", r.differences.size(), steps);
    if (r.stripped_stopped) out += "; the stripped container stopped running";
    out += "\n";
  }
  out +=
      fmt::format("  stripped ran with: {}\n",
                  r.stripped.run_flags.empty() ? "(engine defaults: it carries no hardening labels)"
                                               : shell_words(r.stripped.run_flags));
  if (!r.original.ready) out += "  the original never answered HTTP on every port\n";
  if (!r.stripped.ready) out += "  the stripped container never answered HTTP on every port\n";
  if (!r.differences.empty()) {
    const Difference& d = r.differences.front();
    out += fmt::format("first difference, step {} ({}): {}\n", d.index + 1, d.original.origin,
                       d.original.step.empty() ? d.stripped.step : d.original.step);
    out += fmt::format("  {}\n", d.reason);
    out += fmt::format("  original: {}\n", shown(d.original));
    out += fmt::format("  stripped: {}\n", shown(d.stripped));
  }
  if (!r.same()) {
    out += fmt::format("stripped container's last log lines ({}):\n", r.stripped.log_tail.size());
    for (const std::string& l : r.stripped.log_tail)
      out += "  | " + l + "\n";
    if (!r.log_refused_syscalls.empty()) {
      out += "syscalls the logs name that the profile does not allow: ";
      for (size_t i = 0; i < r.log_refused_syscalls.size(); ++i)
        out += (i ? ", " : "") + r.log_refused_syscalls[i];
      out += "\n";
    }
    if (!r.log_missing_files.empty()) {
      out += "files the logs name that the stripped image lacks and the original has:\n";
      for (const std::string& f : r.log_missing_files)
        out += "    " + one_line(f) + "\n";
    }
    if (r.trace) {
      out += "trace of the stripped container:\n";
      out += "  syscalls refused by its seccomp profile: ";
      if (r.trace->refused_syscalls.empty()) out += "none";
      for (size_t i = 0; i < r.trace->refused_syscalls.size(); ++i)
        out += (i ? ", " : "") + r.trace->refused_syscalls[i];
      out += "\n";
      out += fmt::format("  files not found that the original has ({}):\n",
                         r.trace->missing_files.size());
      for (const std::string& f : r.trace->missing_files)
        out += "    " + one_line(f) + "\n";
    }
  }
  if (!r.trace_note.empty()) out += "  (" + r.trace_note + ")\n";
  return out;
}

nlohmann::json report_json(const VerifyResult& r) {
  nlohmann::json j;
  j["same"] = r.same();
  j["engine"] = r.engine;
  j["network"] = r.network;
  j["ports"] = r.ports;
  if (!r.healthcheck.empty()) j["healthcheck"] = r.healthcheck;
  for (auto [name, side] :
       {std::pair{"original", &r.original}, std::pair{"stripped", &r.stripped}}) {
    nlohmann::json s = {{"image", side->image},
                        {"engineImage", side->engine_ref},
                        {"runFlags", side->run_flags},
                        {"ready", side->ready},
                        {"runningAtEnd", side->running_at_end},
                        {"logTail", side->log_tail}};
    s["steps"] = nlohmann::json::array();
    for (const Outcome& o : side->outcomes)
      s["steps"].push_back(outcome_json(o));
    j[name] = std::move(s);
  }
  j["strippedStopped"] = r.stripped_stopped;
  j["originalUnready"] = r.original_unready;
  j["differences"] = nlohmann::json::array();
  for (const Difference& d : r.differences)
    j["differences"].push_back({{"step", d.index + 1},
                                {"reason", d.reason},
                                {"original", outcome_json(d.original)},
                                {"stripped", outcome_json(d.stripped)}});
  j["logRefusedSyscalls"] = r.log_refused_syscalls;
  j["logMissingFiles"] = r.log_missing_files;
  if (r.trace) {
    j["trace"] = {{"refusedSyscalls", r.trace->refused_syscalls},
                  {"missingFiles", r.trace->missing_files},
                  {"otherMissing", r.trace->other_missing}};
  }
  if (!r.trace_note.empty()) j["traceNote"] = r.trace_note;
  return j;
}

}  // namespace imgstrip::verify
