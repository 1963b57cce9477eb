// Settings of the registry transport (docker://), filled from CLI flags.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "oci/digest.h"

namespace imgstrip {

// Reported while blobs move; the CLI draws a progress display from these. Called from the
// thread that moves the blob (prefetch uses several), but never from two at once.
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
  std::filesystem::path cert_dir;    // --cert-dir: extra CA certificates (*.crt); default
                                     // /etc/containers/certs.d/HOST, /etc/docker/certs.d/HOST
  int jobs = 4;                      // blobs in flight at once
  int retries = 5;
  std::filesystem::path cache_dir;  // where pulled blobs are staged (default TMPDIR)
  std::function<void(const TransferProgress&)> on_progress;

  // Push: another repository of the same registry that already holds the blobs (usually
  // the source of a copy within one registry). put_blob first asks the registry to mount
  // each blob from there (POST ...?mount=DIGEST&from=REPO) and uploads only on refusal.
  std::string mount_from;
  // Push: blobs larger than chunk_threshold go up in PATCH chunks of chunk_size bytes (or
  // the registry's OCI-Chunk-Min-Length, if larger); smaller ones in one PUT.
  uint64_t chunk_threshold = 64ull << 20;
  uint64_t chunk_size = 16ull << 20;
  // First wait between retries; doubles each time (capped at 30 s). A Retry-After header
  // from the registry wins (capped at 60 s).
  std::chrono::milliseconds retry_delay{500};
};

}  // namespace imgstrip
