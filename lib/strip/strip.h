// The strip pipeline: source -> load -> flatten -> resolve -> one new layer -> sink.
// It works on the abstract image; which transports are at either end does not matter.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harden/harden.h"
#include "harden/lockdown.h"
#include "image/image.h"
#include "image/sink.h"
#include "image/source.h"
#include "layer/writer.h"
#include "oci/platform.h"
#include "resolve/request.h"
#include "resolve/resolver.h"
#include "sbom/inventory.h"
#include "seccomp/image_profile.h"

namespace imgstrip {

struct StripOptions {
  StripRequest request;
  LayerOptions layer;
  std::vector<std::string> extra_ports;             // -x: "8080", "53/udp"
  std::optional<std::filesystem::path> dockerfile;  // -d: metadata instructions to apply
  std::string version;                              // recorded in the provenance label
  // The seccomp profile of what stays, baked into the label io.containers.seccomp.profile;
  // nullopt: none.
  std::optional<SeccompSettings> seccomp;
  // Capabilities, SELinux modules and an AppArmor profile for what stays, baked into labels
  // (io.containers.capabilities, io.imgstrip.selinux.*, io.imgstrip.apparmor*); nullopt:
  // none. The syscall-based rules use the seccomp analysis when there is one.
  std::optional<HardenOptions> harden;
  std::string policy_name;  // the policy's name; empty: from the source image's name
  // Narrow modes and owners of the kept files (harden/lockdown.h); --keep-modes turns it off.
  bool lock_down = true;
  // Paths the application writes that no rule finds (--writable): kept writable, mounted.
  std::vector<std::string> writable_paths;
  // Take the inventory of what stays (OS and application packages), for an SBOM.
  bool inventory = false;
};

// Stages as they start, for a progress line; the library never prints.
enum class StripStage { Load, Flatten, Resolve, Seccomp, Harden, Write, Push };
std::string_view stage_name(StripStage stage);

struct StripResult {
  std::string source;
  std::string destination;
  Digest source_digest;
  Digest digest;  // of what the sink wrote
  uint64_t layers_before = 0;
  uint64_t compressed_before = 0;   // sum of the source's layer blobs
  uint64_t compressed_after = 0;    // the new layer blob
  uint64_t uncompressed_after = 0;  // the new layer's tar
  Resolution resolution;
  Json report;  // report_json(): kept paths with reasons, removed paths, packages...
  std::optional<ImageSeccomp> seccomp;    // also in report["seccomp"]
  std::optional<HardenResult> hardening;  // also in report["hardening"]
  std::optional<Lockdown> lockdown;       // also in report["lockdown"]
  std::optional<Inventory> inventory;     // when options.inventory
  std::string created;                    // the stripped image config's "created"
};

// Strips the image at `source` for `platform` and writes it to `sink` (committed only
// when everything is written).
StripResult strip_image(ImageSource& source, ImageSink& sink, const Platform& platform,
                        const StripOptions& options,
                        const std::function<void(StripStage)>& on_stage = {});

// Loads, flattens and resolves only (for `imgstrip why` and dry runs).
struct Analysis {
  Image image;
  FileTree tree;
  Resolution resolution;
};
Analysis analyze_image(ImageSource& source, const Platform& platform, const StripRequest& request,
                       const std::filesystem::path& spool_dir);

// What a seccomp analysis takes from the image's config: LD_LIBRARY_PATH, and the
// Entrypoint, Cmd, Env and Healthcheck words its configuration gates read, with the words
// of the request's --command lines.
void take_image_settings(SeccompSettings& settings, const ImageConfig& config,
                         const std::vector<std::vector<std::string>>& commands = {});

// The provenance labels and annotations a stripped image carries.
inline constexpr std::string_view kBaseDigest = "org.opencontainers.image.base.digest";
inline constexpr std::string_view kBaseName = "org.opencontainers.image.base.name";
inline constexpr std::string_view kStrippedBy = "io.imgstrip.version";

}  // namespace imgstrip
