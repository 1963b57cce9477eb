#include "engine/daemon.h"

#include "archive/archive.h"
#include "core/error.h"
#include "core/tempdir.h"
#include "engine/naming.h"

namespace imgstrip {
namespace {

std::string transport_prefix(const EngineClient& client) {
  return client.socket().engine == Engine::Podman ? "containers-storage:" : "docker-daemon:";
}

class DaemonSource : public ImageSource {
 public:
  DaemonSource(std::unique_ptr<EngineClient> client, std::string name)
      : client_(std::move(client)), name_(std::move(name)), spool_("imgstrip-engine") {
    if (!client_->inspect(name_))
      fail("{}: no image {} in {}", this->name(), name_, client_->where());
    std::filesystem::path file = spool_.path() / "image.tar";
    client_->save(name_, file);
    archive_ = open_archive_source(file, std::nullopt);
  }

  std::string name() const override { return transport_prefix(*client_) + name_; }
  RawManifest root() override { return archive_->root(); }
  RawManifest manifest(const Digest& digest) override { return archive_->manifest(digest); }
  std::unique_ptr<ReadStream> blob(const Descriptor& d) override { return archive_->blob(d); }

 private:
  std::unique_ptr<EngineClient> client_;
  std::string name_;
  TempDir spool_;
  std::unique_ptr<ImageSource> archive_;
};

class DaemonSink : public ImageSink {
 public:
  DaemonSink(std::unique_ptr<EngineClient> client, const std::string& spec)
      : client_(std::move(client)), ref_(tag_for(*client_, spec)), spool_("imgstrip-engine") {
    if (ref_.tag.empty()) usage_fail("{}: an image in an engine needs a tag", name());
    archive_ = open_archive_sink(spool_.path() / "load.tar", ref_, ArchiveFormat::Combined);
  }

  std::string name() const override { return transport_prefix(*client_) + short_name(); }
  bool wants_docker_manifest() const override { return archive_->wants_docker_manifest(); }
  bool accepts_manifest(std::string_view t) const override { return archive_->accepts_manifest(t); }
  void put_blob(const Descriptor& d, const StreamOpener& open) override {
    archive_->put_blob(d, open);
  }
  void put_manifest(const RawManifest& manifest) override { archive_->put_manifest(manifest); }

  Digest commit() override {
    Digest id = archive_->commit();
    try {
      client_->load(spool_.path() / "load.tar");
    } catch (const Error& e) {
      fail("{}: {}", name(), e.what());
    }
    return id;
  }

 private:
  static Reference tag_for(const EngineClient& client, const std::string& name) {
    if (client.info().podman && !names_registry_host(name))
      return Reference::parse("localhost/" + name);
    return Reference::parse(name);
  }

  std::string short_name() const {
    std::string s = ref_.str();
    if (s.starts_with("docker.io/library/")) return s.substr(18);
    return s;
  }

  std::unique_ptr<EngineClient> client_;
  Reference ref_;
  TempDir spool_;
  std::unique_ptr<ImageSink> archive_;
};

}  // namespace

std::unique_ptr<ImageSource> open_daemon_source(std::unique_ptr<EngineClient> client,
                                                const std::string& name) {
  return std::make_unique<DaemonSource>(std::move(client), name);
}

std::unique_ptr<ImageSink> open_daemon_sink(std::unique_ptr<EngineClient> client,
                                            const std::string& name) {
  return std::make_unique<DaemonSink>(std::move(client), name);
}

}  // namespace imgstrip
