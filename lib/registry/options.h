// Settings of the registry transport (docker://), filled from CLI flags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "oci/digest.h"

namespace imgstrip {

// Reported while blobs move; the CLI draws a progress display from these.
struct TransferProgress {
  Digest blob;
  uint64_t done = 0;
  int64_t total = -1;  // -1 when unknown
  bool finished = false;
};

struct RegistryOptions {
  std::optional<std::string> creds;  // "USER:PASS" from --creds
  std::filesystem::path authfile;    // --authfile; else REGISTRY_AUTH_FILE, podman, docker
  bool tls_verify = true;            // --tls-verify=false: plain HTTP / unverified TLS
  std::filesystem::path cert_dir;    // --cert-dir: extra CA certificates (*.crt)
  int jobs = 4;                      // blobs in flight at once
  int retries = 5;
  std::filesystem::path cache_dir;   // where pulled blobs are staged (default TMPDIR)
  std::function<void(const TransferProgress&)> on_progress;
};

}  // namespace imgstrip
