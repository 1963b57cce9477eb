// imgstrip inspect IMAGE: manifest, platform, layers, sizes and a config summary.
#include <fmt/format.h>

#include <cstdio>

#include "commands.h"
#include "common.h"
#include "core/error.h"
#include "image/image.h"
#include "oci/media_types.h"

namespace imgstrip::cli {
namespace {

Json inspect_json(const std::string& name, const Image& img) {
  Json j = Json::object();
  j["name"] = name;
  j["digest"] = img.raw.digest.str();
  j["mediaType"] = img.raw.media_type;
  if (img.index) {
    j["index"] = {{"digest", img.index->digest.str()}, {"mediaType", img.index->media_type}};
  }
  j["platform"] = img.config.platform().str();
  j["created"] = img.config.created();
  j["config"] = {{"digest", img.manifest.config.digest.str()},
                 {"size", img.manifest.config.size},
                 {"entrypoint", img.config.entrypoint()},
                 {"cmd", img.config.cmd()},
                 {"env", img.config.env()},
                 {"user", img.config.user()},
                 {"workingDir", img.config.working_dir()},
                 {"exposedPorts", img.config.exposed_ports()},
                 {"volumes", img.config.volumes()},
                 {"labels", img.config.labels()}};
  Json layers = Json::array();
  auto diff_ids = img.config.diff_ids();
  int64_t total = 0;
  for (size_t i = 0; i < img.manifest.layers.size(); ++i) {
    const auto& l = img.manifest.layers[i];
    total += l.size;
    layers.push_back({{"digest", l.digest.str()},
                      {"diffId", diff_ids.at(i).str()},
                      {"size", l.size},
                      {"mediaType", l.media_type}});
  }
  j["layers"] = layers;
  j["size"] = total;
  return j;
}

std::string join(const std::vector<std::string>& v) {
  if (v.empty()) return "-";
  Json j = v;
  return j.dump();
}

}  // namespace

int run_inspect(int argc, char** argv) {
  cxxopts::Options options("imgstrip inspect",
                           "Show an image's manifest, platform, layers and configuration.");
  options.positional_help("IMAGE");
  options.add_options()("image", "the image (docker://REF, oci:DIR[:TAG], docker-archive:FILE)",
                        cxxopts::value<std::string>())("json", "print JSON")(
      "raw", "print the image manifest exactly as stored");
  add_transport_flags(options);
  options.parse_positional({"image"});
  auto args = parse(options, argc, argv);
  if (!args.count("image")) usage_fail("inspect needs an IMAGE (see --help)");
  Location where = source_location(args["image"].as<std::string>());
  auto source = open_source(where, registry_options(args));
  Image img = load_image(*source, platform(args));

  if (args.count("raw")) {
    std::fwrite(img.raw.bytes.data(), 1, img.raw.bytes.size(), stdout);
    std::fputc('\n', stdout);
    return kExitOk;
  }
  Json j = inspect_json(source->name(), img);
  if (args.count("json")) {
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print("Name:         {}\n", source->name());
  fmt::print("Digest:       {}\n", img.raw.digest.str());
  fmt::print("Media type:   {}\n", img.raw.media_type);
  if (img.index) fmt::print("Index:        {}\n", img.index->digest.str());
  fmt::print("Platform:     {}\n", img.config.platform().str());
  fmt::print("Created:      {}\n", img.config.created().empty() ? "-" : img.config.created());
  fmt::print("Entrypoint:   {}\n", join(img.config.entrypoint()));
  fmt::print("Cmd:          {}\n", join(img.config.cmd()));
  fmt::print("User:         {}\n", img.config.user().empty() ? "-" : img.config.user());
  fmt::print("WorkingDir:   {}\n",
             img.config.working_dir().empty() ? "-" : img.config.working_dir());
  fmt::print("ExposedPorts: {}\n", join(img.config.exposed_ports()));
  fmt::print("Volumes:      {}\n", join(img.config.volumes()));
  fmt::print("Env:\n");
  for (auto& e : img.config.env())
    fmt::print("  {}\n", e);
  auto labels = img.config.labels();
  if (!labels.empty()) {
    fmt::print("Labels:\n");
    for (auto& [k, v] : labels)
      fmt::print("  {}={}\n", k, v);
  }
  fmt::print("Layers:       {} ({} compressed)\n", img.manifest.layers.size(),
             human_size(static_cast<uint64_t>(j["size"].get<int64_t>())));
  for (auto& l : img.manifest.layers) {
    fmt::print("  {}  {:>10}  {}\n", l.digest.str(), human_size(static_cast<uint64_t>(l.size)),
               media::compression_name(media::layer_compression(l.media_type)));
  }
  return kExitOk;
}

}  // namespace imgstrip::cli
