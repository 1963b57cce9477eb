// imgstrip [strip] -i SRC -t DST [-p PKG]... : the main job.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "attach_flags.h"
#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "core/stream.h"
#include "core/text.h"
#include "harden/policy_files.h"
#include "harden/run_args.h"
#include "seccomp_flags.h"
#include "strip/strip.h"
#include "strip_flags.h"

namespace imgstrip::cli {
namespace {

std::string percent(uint64_t after, uint64_t before) {
  if (before == 0) return "-";
  return fmt::format("{:.1f} %", 100.0 * static_cast<double>(after) / static_cast<double>(before));
}

// The transports at both ends, and how bare names were read.
struct Ends {
  Location from;
  Location to;
};

// The `docker run` / `podman run` flags for the stripped image: the engine it went to
// (docker unless podman's storage), the profile file when one was written.
struct RunLine {
  RunEngine engine = RunEngine::Docker;
  std::vector<std::string> flags;
  bool has_profile_file = false;
};

RunLine run_line(const StripResult& r, const Location& to, const std::optional<std::string>& file) {
  RunLine line;
  line.engine =
      to.kind == Location::Kind::ContainersStorage ? RunEngine::Podman : RunEngine::Docker;
  line.has_profile_file = file.has_value() || !r.seccomp;
  RunConfig config;
  if (r.hardening) config = r.hardening->run;
  config.seccomp_label = r.seccomp.has_value();
  if (r.seccomp) config.seccomp_file = file;
  line.flags = run_flags(line.engine, config);
  return line;
}

// The image as an engine pulls or finds it, for the compose service and the Pod.
std::string run_image_name(const Location& to) {
  if (to.local_engine()) return to.name;
  if (to.kind == Location::Kind::Registry && to.reference) return to.reference->str();
  return "IMAGE";  // an OCI layout or an archive: the user loads it under a name first
}

Json summary_json(const StripResult& r, const Ends& ends, const std::optional<RunLine>& run,
                  double seconds) {
  const Resolution& res = r.resolution;
  size_t packages = 0;
  for (auto& p : res.package_sizes)
    packages += p.kept ? 1 : 0;
  return Json{
      {"source", r.source},
      {"destination", r.destination},
      {"sourceTransport", ends.from.transport()},
      {"destinationTransport", ends.to.transport()},
      {"bareNames", {{"source", ends.from.bare}, {"destination", ends.to.bare}}},
      {"run", run ? Json{{"engine", run->engine == RunEngine::Docker ? "docker" : "podman"},
                         {"flags", run->flags},
                         {"seccompFile", run->has_profile_file}}
                  : Json()},
      {"sourceDigest", r.source_digest.str()},
      {"digest", r.digest.str()},
      {"files",
       {{"before", res.files_before}, {"after", res.files_after}, {"removed", res.removed.size()}}},
      {"bytes", {{"before", res.bytes_before}, {"after", res.bytes_after}}},
      {"compressed", {{"before", r.compressed_before}, {"after", r.compressed_after}}},
      {"layerTarBytes", r.uncompressed_after},
      {"layers", {{"before", r.layers_before}, {"after", 1}}},
      {"packages", {{"before", res.package_sizes.size()}, {"kept", packages}}},
      {"notFollowed", res.not_followed.size()},
      {"missing", res.missing},
      {"seccomp", r.seccomp ? Json{{"allowed", r.seccomp->profile.allowed.size()},
                                   {"unresolved", r.seccomp->analysis.unresolved.size()}}
                            : Json()},
      {"hardening", r.hardening ? Json{{"name", r.hardening->name},
                                       {"capabilities", r.hardening->capabilities_label},
                                       {"selinuxType", r.hardening->name + "_t"},
                                       {"apparmorProfile", r.hardening->name}}
                                : Json()},
      {"seconds", seconds}};
}

// What `parse` returns; an Error it throws is a usage error of --`flag`.
template <typename Parse>
auto flag_value(std::string_view flag, Parse&& parse) {
  try {
    return parse();
  } catch (const Error& e) {
    usage_fail("--{}: {}", flag, e.what());
  }
}

}  // namespace

int run_strip(int argc, char** argv) {
  cxxopts::Options options(
      "imgstrip",
      "Strip an image down to what its application needs.\n"
      "  imgstrip [strip] -i SRC -t DST [-p PKG]... [-f PATH]... [-r GLOB]...");
  options.add_options()("i,image", "source image", cxxopts::value<std::string>())(
      "t,target", "where to write the stripped image", cxxopts::value<std::string>())(
      "x,expose", "add an exposed port (PORT[/tcp|udp]); repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "d,dockerfile", "apply the metadata instructions of this Dockerfile",
      cxxopts::value<std::string>())("report", "write the full report (JSON) to this file",
                                     cxxopts::value<std::string>())("json",
                                                                    "print the summary as JSON")(
      "timestamp", "clamp file times and set created to this Unix time (default SOURCE_DATE_EPOCH)",
      cxxopts::value<int64_t>())("compression", "gzip or zstd",
                                 cxxopts::value<std::string>()->default_value("gzip"));
  options.add_options("seccomp")("seccomp-out", "also write the seccomp profile to this file",
                                 cxxopts::value<std::string>())(
      "no-seccomp", "do not analyse system calls nor add a seccomp profile");
  options.add_options("hardening")(
      "policy-dir",
      "write NAME.te, NAME.fc, NAME.cil, NAME.apparmor and a README (how to load them) here",
      cxxopts::value<std::string>())("policy-name",
                                     "name of the policies (default: from the source image's name)",
                                     cxxopts::value<std::string>())(
      "cap-add", "add this capability to the derived ones (e.g. NET_RAW); repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "connect",
      "a port the application connects to (PORT[/tcp|udp]): SELinux name_connect; repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "no-harden", "do not derive capabilities, SELinux or AppArmor policies")(
      "writable",
      "a directory the application writes that no rule finds: mounted writable under a "
      "read-only root, owners kept; repeatable",
      cxxopts::value<std::vector<std::string>>())(
      "keep-modes",
      "keep every mode and owner as they are (default: setid bits, world write and execute "
      "bits on data are removed, see the report's lockdown section)");
  add_keep_flags(options);
  add_seccomp_flags(options);
  add_sign_flags(options);
  add_sbom_flags(options);
  add_transport_flags(options);
  auto args = parse(options, argc, argv);
  if (!args.count("image") || !args.count("target")) {
    usage_fail("strip needs -i SRC and -t DST (see --help)");
  }
  if (!args.unmatched().empty()) usage_fail("unexpected argument \"{}\"", args.unmatched()[0]);

  StripOptions so;
  so.request = strip_request(args);
  so.version = IMGSTRIP_VERSION;
  std::string c = args["compression"].as<std::string>();
  if (c != "gzip" && c != "zstd") usage_fail("--compression must be gzip or zstd");
  so.layer.compression = c == "zstd" ? media::Compression::Zstd : media::Compression::Gzip;
  so.layer.timestamp = source_date_epoch();
  if (args.count("timestamp")) so.layer.timestamp = args["timestamp"].as<int64_t>();
  if (args.count("expose")) so.extra_ports = args["expose"].as<std::vector<std::string>>();
  if (args.count("dockerfile")) so.dockerfile = args["dockerfile"].as<std::string>();
  if (!args.count("no-seccomp")) so.seccomp = seccomp_settings(args);
  if (args.count("no-seccomp") && args.count("seccomp-out"))
    usage_fail("--seccomp-out and --no-seccomp exclude each other");

  so.lock_down = args.count("keep-modes") == 0;
  if (args.count("writable")) {
    for (const std::string& w : args["writable"].as<std::vector<std::string>>()) {
      if (w.empty() || w[0] != '/' || w.find("..") != std::string::npos ||
          w.find(',') != std::string::npos)
        usage_fail("--writable {}: expected an absolute path without \"..\" or \",\"", w);
      so.writable_paths.push_back(w);
    }
  }
  if (args.count("no-harden")) {
    for (const char* f : {"policy-dir", "policy-name", "cap-add", "connect"})
      if (args.count(f)) usage_fail("--{} and --no-harden exclude each other", f);
  } else {
    HardenOptions ho;
    ho.policy_cache_dir = user_cache_dir("selinux");
    if (args.count("cap-add"))
      for (const std::string& c : args["cap-add"].as<std::vector<std::string>>())
        ho.add_capabilities.push_back(flag_value("cap-add", [&] { return capability_name(c); }));
    if (args.count("connect"))
      for (const std::string& p : args["connect"].as<std::vector<std::string>>())
        ho.connect_ports.push_back(flag_value("connect", [&] { return parse_port(p).text(); }));
    so.harden = ho;
    if (args.count("policy-name")) {
      so.policy_name = args["policy-name"].as<std::string>();
      flag_value("policy-name", [&] { return sanitize_policy_name(so.policy_name); });
    }
  }

  Location from = source_location(args["image"].as<std::string>());
  Location to = target_location(args["target"].as<std::string>());
  AttachRequest attach = attach_request(args, to);  // the key is checked before any work
  so.inventory = !attach.sboms.empty();
  RegistryOptions ro = registry_options(args);
  bool show = !quiet(args) && ::isatty(STDERR_FILENO);
  auto source = open_source(from, ro);
  auto sink = open_sink(to, ro);

  auto start = std::chrono::steady_clock::now();
  StripResult r = strip_image(*source, *sink, platform(args), so, [&](StripStage s) {
    if (show) fmt::print(stderr, "\r\x1b[K{}...", stage_name(s));
  });
  if (show) std::fputs("\r\x1b[K", stderr);
  if (args.count("report")) write_file_atomic(args["report"].as<std::string>(), r.report.dump(2));
  std::optional<std::string> profile_file;  // where the seccomp profile was written
  if (args.count("seccomp-out") && r.seccomp) {
    profile_file = std::filesystem::absolute(args["seccomp-out"].as<std::string>()).string();
    write_file_atomic(*profile_file, r.seccomp->profile.json.dump(2) + "\n");
  }
  if (args.count("policy-dir") && r.hardening) {
    std::optional<std::string> profile;
    if (r.seccomp) profile = r.seccomp->profile.json.dump(2) + "\n";
    write_policy_dir(*r.hardening, args["policy-dir"].as<std::string>(), profile,
                     run_image_name(to));
    if (r.seccomp && !profile_file)
      profile_file =
          policy_seccomp_file(*r.hardening, args["policy-dir"].as<std::string>()).string();
  }
  // Signatures and SBOMs last, once the image and the local files are written: a failure
  // here leaves them in place and says the image was written.
  Attached attached =
      attach_to_image(attach, to, ro, r.digest, r.inventory ? &*r.inventory : nullptr, r.created);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::optional<RunLine> run;
  if (r.hardening || r.seccomp) run = run_line(r, to, profile_file);
  Json summary = summary_json(r, Ends{from, to}, run, seconds);
  Json extra = attached_json(attached);
  for (auto& [key, value] : extra.items())
    summary[key] = value;
  if (args.count("json")) {
    fmt::print("{}\n", summary.dump(2));
    return kExitOk;
  }
  const Resolution& res = r.resolution;
  fmt::print("Stripped {}\n      -> {}\n", r.source, r.destination);
  fmt::print("  files     {} -> {} ({} removed)\n", res.files_before, res.files_after,
             res.removed.size());
  fmt::print("  size      {} -> {} uncompressed ({}), {} -> {} compressed ({})\n",
             human_size(res.bytes_before), human_size(res.bytes_after),
             percent(res.bytes_after, res.bytes_before), human_size(r.compressed_before),
             human_size(r.compressed_after), percent(r.compressed_after, r.compressed_before));
  fmt::print("  packages  {} -> {} kept", summary["packages"]["before"].get<size_t>(),
             summary["packages"]["kept"].get<size_t>());
  if (!res.not_followed.empty()) {
    fmt::print(" ({} dependencies not followed, see --report)", res.not_followed.size());
  }
  fmt::print("\n");
  for (auto& m : res.missing)
    fmt::print("  missing   {}\n", one_line(m));
  if (r.seccomp) {
    const ImageSeccomp& sc = *r.seccomp;
    fmt::print(
        "  seccomp   {} system calls allowed ({} for the runtime, {} for --init), {} programs, {} "
        "objects",
        sc.profile.allowed.size(), sc.profile.from_runtime.size(), sc.profile.from_init.size(),
        sc.programs.size(), sc.analysis.objects);
    if (!sc.analysis.unresolved.empty())
      fmt::print(", {} unresolved sites ({}: +{})", sc.analysis.unresolved.size(),
                 fallback_name(sc.analysis.fallback), sc.analysis.from_fallback.size());
    fmt::print("\n");
  }
  if (r.hardening) {
    const HardenResult& h = *r.hardening;
    fmt::print("  caps      {}\n", h.capabilities.empty() ? "none" : h.capabilities_label);
    fmt::print("  policies  SELinux type {}_t, AppArmor profile {}{}\n", h.name, h.name,
               args.count("policy-dir")
                   ? fmt::format(" (written to {})", args["policy-dir"].as<std::string>())
                   : "");
  }
  if (r.lockdown) {
    const Lockdown& l = *r.lockdown;
    fmt::print("  lockdown  {} modes or owners changed, {} setid programs kept{}\n",
               l.changes.size(), l.setid_kept.size(),
               r.hardening ? fmt::format(", {} writable paths", r.hardening->writable.size()) : "");
  }
  fmt::print("  via       {}{} -> {}{}\n", from.transport(), from.bare ? " (bare name)" : "",
             to.transport(), to.bare ? " (bare name)" : "");
  if (run) {
    std::string image = to.local_engine() ? to.name : "IMAGE";
    fmt::print("  run       {} run {} {}\n", run->engine == RunEngine::Docker ? "docker" : "podman",
               shell_words(run->flags), image);
    if (!run->has_profile_file)
      fmt::print(
          "            (the seccomp profile is in the image label; --seccomp-out FILE or "
          "--policy-dir DIR writes it for docker, or `imgstrip run-args {} -o FILE`)\n",
          image);
  }
  for (auto& [format, d] : attached.sboms)
    fmt::print("  sbom      {} attached as {}\n", sbom_format_name(format), d.digest.str());
  if (attached.signature)
    fmt::print("  signed    {} ({})\n", attached.signature->tag,
               attached.signature->replaced ? "replaced this key's earlier signature" : "added");
  fmt::print("  time      {:.1f} s\n", seconds);
  fmt::print("  digest    {}\n", r.digest.str());
  return kExitOk;
}

}  // namespace imgstrip::cli
