#include "strip/strip.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/stream.h"
#include "core/tempdir.h"
#include "dockerfile/dockerfile.h"
#include "fs/flatten.h"
#include "harden/config_writes.h"
#include "image/copy.h"
#include "mutate/single_layer.h"
#include "report/report.h"

namespace imgstrip {
namespace {

void stage(const std::function<void(StripStage)>& on_stage, StripStage s) {
  if (on_stage) on_stage(s);
}

// "-x 8080" -> "8080/tcp"; anything that is not a port is a usage error.
std::string port_spec(const std::string& p) {
  try {
    return parse_port(p).text();
  } catch (const Error&) {
    usage_fail("-x {}: expected PORT[/tcp|udp|sctp] with PORT 1-65535", p);
  }
}

// The stripped image's config: the original, with -d and -x applied and provenance added.
ImageConfig new_config(const Image& image, const std::string& source_name,
                       const StripOptions& options) {
  ImageConfig config = image.config;
  if (options.dockerfile) {
    std::string name = options.dockerfile->string();
    std::string text = read_file(*options.dockerfile, 1 << 20);
    apply_dockerfile(parse_dockerfile(text, name), config, name);
  }
  for (auto& p : options.extra_ports)
    config.add_exposed_port(port_spec(p));
  config.set_label(kBaseDigest, image.raw.digest.str());
  config.set_label(kBaseName, source_name);
  config.set_label(kStrippedBy, options.version);
  return config;
}

std::vector<std::string> split_path_list(const std::optional<std::string>& list) {
  std::vector<std::string> out;
  if (!list) return out;
  size_t start = 0;
  while (start <= list->size()) {
    size_t colon = list->find(':', start);
    std::string d = list->substr(start, colon == std::string::npos ? colon : colon - start);
    if (!d.empty()) out.push_back(std::move(d));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

// What the application itself can call: the profile's allowed set without what is there
// only for the runtime or an --init process (syscalls allowed by the fallback policy
// count: they may be reached).
std::set<std::string> application_syscalls(const Profile& profile) {
  std::set<std::string> out(profile.allowed.begin(), profile.allowed.end());
  for (const std::string& name : profile.from_runtime)
    out.erase(name);
  for (const std::string& name : profile.from_init)
    out.erase(name);
  return out;
}

// What the image executes, with why: the entrypoint, commands of kept scripts, #!
// interpreters (the lockdown keeps their execute bits, and setid bits where they work).
std::map<std::string, std::string> executed_paths(const Resolution& resolution) {
  std::map<std::string, std::string> out;
  for (const auto& [path, reasons] : resolution.keep.entries()) {
    for (const Reason& r : reasons) {
      if (r.kind != ReasonKind::Entrypoint && r.kind != ReasonKind::Command &&
          r.kind != ReasonKind::Interpreter) {
        continue;
      }
      out.emplace(path, r.text());
      break;
    }
  }
  return out;
}

}  // namespace

void take_image_settings(SeccompSettings& settings, const ImageConfig& config,
                         const std::vector<std::vector<std::string>>& commands) {
  settings.ld_library_path = split_path_list(config.env_value("LD_LIBRARY_PATH"));
  settings.command_line = config.command_line();
  for (const auto& argv : commands)
    settings.command_line.insert(settings.command_line.end(), argv.begin(), argv.end());
}

std::string_view stage_name(StripStage s) {
  switch (s) {
    case StripStage::Load:
      return "reading the image";
    case StripStage::Flatten:
      return "flattening layers";
    case StripStage::Resolve:
      return "resolving what to keep";
    case StripStage::Seccomp:
      return "analysing system calls";
    case StripStage::Harden:
      return "deriving capabilities and security policies";
    case StripStage::Write:
      return "writing the stripped layer";
    case StripStage::Push:
      return "writing the image";
  }
  return "";
}

Analysis analyze_image(ImageSource& source, const Platform& platform, const StripRequest& request,
                       const std::filesystem::path& spool_dir) {
  Image image = load_image(source, platform);
  source.prefetch(image.manifest.layers);
  FlattenOptions fo;
  fo.spool_dir = spool_dir;
  FileTree tree = flatten_image(source, image, fo);
  Resolution resolution = resolve(tree, image.config, request);
  return Analysis{std::move(image), std::move(tree), std::move(resolution)};
}

StripResult strip_image(ImageSource& source, ImageSink& sink, const Platform& platform,
                        const StripOptions& options,
                        const std::function<void(StripStage)>& on_stage) {
  StripResult result;
  result.source = source.name();
  result.destination = sink.name();
  TempDir work;

  stage(on_stage, StripStage::Load);
  Image image = load_image(source, platform);
  // Check -d and -x before the long part of the work.
  image.config = new_config(image, source.name(), options);
  source.prefetch(image.manifest.layers);

  stage(on_stage, StripStage::Flatten);
  FlattenOptions fo;
  fo.spool_dir = work.path();
  FileTree tree = flatten_image(source, image, fo);

  stage(on_stage, StripStage::Resolve);
  result.resolution = resolve(tree, image.config, options.request);
  result.report = report_json(result.resolution, tree);

  FileTree stripped = stripped_tree(std::move(tree), result.resolution);
  std::set<std::string> kept = result.resolution.paths();
  if (options.seccomp) {
    stage(on_stage, StripStage::Seccomp);
    SeccompSettings settings = *options.seccomp;
    take_image_settings(settings, image.config, options.request.commands);
    result.seccomp = seccomp_profile_for(stripped, kept, settings);
    image.config.set_label(kSeccompLabel, result.seccomp->profile.json.dump());
    result.report["seccomp"] = seccomp_report_json(*result.seccomp);
  }

  std::optional<std::set<std::string>> syscalls;
  if (result.seccomp) syscalls = application_syscalls(result.seccomp->profile);
  std::map<std::string, std::string> executed = executed_paths(result.resolution);
  std::vector<std::string> executed_list;
  for (const auto& [path, why] : executed)
    executed_list.push_back(path);
  std::vector<WrittenPlace> writes = script_writes(stripped, executed_list);
  for (WrittenPlace& w :
       config_writes(stripped, std::vector<std::string>(kept.begin(), kept.end())))
    writes.push_back(std::move(w));
  auto make_input = [&] {
    HardenInput input = harden_input(source.name(), image.config, stripped,
                                     std::vector<std::string>(kept.begin(), kept.end()), syscalls);
    input.name = options.policy_name;
    input.writable_paths = options.writable_paths;
    input.script_writes = writes;
    return input;
  };
  if (options.lock_down) {
    LockdownInput li;
    li.user = image.config.user();
    li.writable = writable_dirs(make_input());
    li.executed = executed;
    result.lockdown = lock_down(stripped, kept, li);
    result.report["lockdown"] = result.lockdown->json();
  }

  if (options.harden) {
    stage(on_stage, StripStage::Harden);
    HardenInput input = make_input();  // with the modes the lockdown left
    result.hardening = harden(input, *options.harden);
    for (const auto& [key, value] : result.hardening->labels)
      image.config.set_label(key, value);
    result.report["hardening"] = result.hardening->report;
  }

  stage(on_stage, StripStage::Write);
  SingleLayerOptions so;
  so.layer = options.layer;
  so.created_by = fmt::format("imgstrip {} strip", options.version);
  so.annotations[std::string(kBaseDigest)] = image.raw.digest.str();
  so.annotations[std::string(kBaseName)] = source.name();
  SingleLayerImage out = single_layer_image(image, stripped, kept, work.path(), so);

  if (options.inventory) result.inventory = take_inventory(stripped, kept, result.resolution);
  Json config = Json::parse(out.config, nullptr, false);
  if (config.is_object() && config.contains("created") && config["created"].is_string()) {
    result.created = config["created"].get<std::string>();
  }

  stage(on_stage, StripStage::Push);
  CopyResult written = put_image(sink, out.manifest, out.config, out.blobs());

  result.source_digest = image.raw.digest;
  result.digest = written.digest;
  result.layers_before = image.manifest.layers.size();
  for (auto& l : image.manifest.layers)
    result.compressed_before += static_cast<uint64_t>(l.size);
  result.compressed_after = static_cast<uint64_t>(out.layer.descriptor.size);
  result.uncompressed_after = out.layer.uncompressed_size;
  return result;
}

}  // namespace imgstrip
