// libFuzzer target: the input is var/lib/dpkg/status; read_dpkg must return or throw Error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "pkgdb/dpkg.h"

namespace {

class StatusOnly : public imgstrip::RootFs {
 public:
  explicit StatusOnly(std::string status) : status_(std::move(status)) {}
  std::optional<std::string> resolve(std::string_view path) const override {
    if (path == "var/lib/dpkg/status") return std::string(path);
    return std::nullopt;
  }
  std::optional<std::string> read(std::string_view path, size_t) const override {
    if (path == "var/lib/dpkg/status") return status_;
    if (path.ends_with(".list")) return std::string("/.\n/usr\n/usr/bin/x\n");
    return std::nullopt;
  }
  std::optional<std::string> read_head(std::string_view path, size_t n) const override {
    auto bytes = read(path, n);
    if (bytes) bytes->resize(std::min(bytes->size(), n));
    return bytes;
  }
  std::vector<std::string> list(std::string_view) const override { return {}; }

 private:
  std::string status_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    StatusOnly root(text);
    auto packages = imgstrip::read_dpkg(root);
    std::vector<const imgstrip::Package*> kept;
    for (auto& p : packages)
      kept.push_back(&p);
    // What is written must read back the same.
    StatusOnly again(imgstrip::write_dpkg_status(kept));
    if (imgstrip::read_dpkg(again).size() != packages.size()) __builtin_trap();
  } catch (const imgstrip::Error&) {
  }
  try {
    imgstrip::parse_dpkg_depends(text, "fuzz");
  } catch (const imgstrip::Error&) {
  }
  return 0;
}
