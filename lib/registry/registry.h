// The docker:// transport: an ImageSource and ImageSink over the OCI distribution API.
//
// Source: root()/manifest() GET manifests with an Accept list (OCI and Docker schema 2,
// images and indexes); a manifest fetched by digest must hash to it, one fetched by tag
// to its Docker-Content-Digest. blob() streams (resuming with Range when a connection
// breaks); prefetch() downloads blobs largest first, options.jobs at a time, into a
// private folder under options.cache_dir, verified, and blob() then reads the copy.
// Sink: has_blob() is a HEAD; put_blob() mounts from options.mount_from when set, else
// uploads in one PUT or in PATCH chunks above options.chunk_threshold; commit() checks
// every blob (or child manifest of an index) is present, then PUTs the manifest under the
// tag (or by digest when the reference has no tag) and returns its digest.
// Both ping GET /v2/ when opened (scheme and auth discovery) and throw Error with one line
// naming the registry and repository on failure. Secrets never appear in messages.
#pragma once

#include <memory>

#include "image/sink.h"
#include "image/source.h"
#include "oci/reference.h"
#include "registry/options.h"

namespace imgstrip {

std::unique_ptr<ImageSource> open_registry_source(const Reference& ref,
                                                  const RegistryOptions& options);
std::unique_ptr<ImageSink> open_registry_sink(const Reference& ref, const RegistryOptions& options);

}  // namespace imgstrip
