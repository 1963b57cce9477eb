// The image configuration (OCI image config / Docker image JSON). Every field imgstrip
// does not touch is kept as it was, in its original order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/healthcheck.h"
#include "oci/manifest.h"

namespace imgstrip {

struct HistoryEntry {
  std::string created;
  std::string created_by;
  std::string comment;
  bool empty_layer = false;
};

class ImageConfig {
 public:
  static ImageConfig parse(std::string_view bytes, std::string_view where);
  std::string serialize() const { return json_.dump(); }

  Platform platform() const;
  std::vector<Digest> diff_ids() const;
  std::vector<std::string> entrypoint() const { return strings("Entrypoint"); }
  std::vector<std::string> cmd() const { return strings("Cmd"); }
  std::vector<std::string> env() const { return strings("Env"); }
  // The shell of CMD-SHELL (Docker's SHELL instruction); empty: /bin/sh -c.
  std::vector<std::string> shell() const { return strings("Shell"); }
  // The HEALTHCHECK as the engine runs it (oci/healthcheck.h).
  std::optional<Healthcheck> health_check(std::string* unknown_type = nullptr) const;
  // Entrypoint, Cmd, Env and the command the HEALTHCHECK runs, word after word: where a
  // program's settings may come from.
  std::vector<std::string> command_line() const;
  std::string user() const { return string("User"); }
  std::string working_dir() const { return string("WorkingDir"); }
  std::vector<std::string> exposed_ports() const { return keys("ExposedPorts"); }
  std::vector<std::string> volumes() const { return keys("Volumes"); }
  std::map<std::string, std::string> labels() const;
  std::string created() const;
  std::vector<HistoryEntry> history() const;
  // The value of a variable in Env ("PATH"), if set.
  std::optional<std::string> env_value(std::string_view name) const;

  // Replaces rootfs with the given layers and history with `history` (callers usually
  // append one entry to the old history).
  void set_layers(const std::vector<Digest>& diff_ids, const std::vector<HistoryEntry>& history);
  void set_created(std::string_view created);
  void set_label(std::string_view key, std::string_view value);
  // Sets a field of the "config" object (Entrypoint, Cmd, User...).
  void set_config_field(std::string_view key, const Json& value);
  void add_exposed_port(std::string_view port);  // "80/tcp"

  const Json& json() const { return json_; }

 private:
  std::vector<std::string> strings(const char* key) const;
  std::string string(const char* key) const;
  std::vector<std::string> keys(const char* key) const;
  const Json* config_field(const char* key) const;
  Json& config_object();

  Json json_;
};

}  // namespace imgstrip
