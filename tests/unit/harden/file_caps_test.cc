#include <catch2/catch.hpp>

#include <string>

#include "harden/capabilities.h"
#include "harden/file_caps.h"
#include "harden/harden.h"
#include "oci/config.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;

namespace {

std::string le32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i)
    out[static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// What `setcap cap_net_raw+ep` writes (revision 2): CAP_NET_RAW is bit 13.
std::string ping_caps() {
  return le32(0x02000001) + le32(1u << 13) + le32(0) + le32(0) + le32(0);
}

}  // namespace

TEST_CASE("security.capability values of each revision", "[harden][file_caps]") {
  auto v2 = parse_file_caps(ping_caps());
  REQUIRE(v2);
  CHECK(v2->permitted == (uint64_t{1} << 13));
  CHECK(v2->inheritable == 0);
  CHECK(v2->effective);
  CHECK(!v2->root_uid);
  CHECK(capability_numbers(v2->permitted) == std::vector<unsigned>{13});

  // Revision 3 (a namespaced file capability): the high word and the root uid.
  auto v3 = parse_file_caps(le32(0x03000000) + le32(1u << 10) + le32(1u << 5) + le32(1u << 6) +
                            le32(0) + le32(1000));
  REQUIRE(v3);
  CHECK(capability_numbers(v3->permitted) == std::vector<unsigned>{10, 38});
  CHECK(v3->inheritable == (uint64_t{1} << 5));
  CHECK(!v3->effective);
  CHECK(v3->root_uid == 1000u);

  auto v1 = parse_file_caps(le32(0x01000000) + le32(1u << 7) + le32(0));
  REQUIRE(v1);
  CHECK(v1->permitted == (uint64_t{1} << 7));
}

TEST_CASE("malformed security.capability values are refused", "[harden][file_caps]") {
  CHECK(!parse_file_caps(""));
  CHECK(!parse_file_caps("abc"));
  CHECK(!parse_file_caps(ping_caps().substr(0, 19)));                 // revision 2 is 20 bytes
  CHECK(!parse_file_caps(ping_caps() + le32(0)));                     // ... not 24
  CHECK(!parse_file_caps(le32(0x04000000) + std::string(16, '\0')));  // no revision 4
}

TEST_CASE("a kept program with file capabilities keeps them and turns off no-new-privileges",
          "[harden][file_caps]") {
  ImageConfig config = ImageConfig::parse(
      R"({"architecture":"amd64","os":"linux","config":{"User":"app"},
          "rootfs":{"type":"layers","diff_ids":[]}})",
      "test");
  FileTree tree;
  Entry ping;
  ping.path = "usr/bin/ping";
  ping.mode = 0755;
  ping.xattrs = {{std::string(kFileCapsXattr), ping_caps()}};
  tree.insert(ping);
  Entry app;
  app.path = "usr/bin/app";
  app.mode = 0755;
  tree.insert(app);

  HardenInput without = harden_input("app:1", config, tree, {"usr/bin/app"}, std::nullopt);
  CHECK(!keeps_privileged_programs(without));
  CHECK(derive_capabilities(without).empty());
  CHECK(harden(without).run.no_new_privileges);

  HardenInput with =
      harden_input("app:1", config, tree, {"usr/bin/app", "usr/bin/ping"}, std::nullopt);
  REQUIRE(with.kept.size() == 2);
  CHECK(with.kept[1].has_file_caps);
  CHECK(!keeps_setid_binaries(with));
  CHECK(keeps_privileged_programs(with));
  auto caps = derive_capabilities(with);
  REQUIRE(caps.size() == 1);
  CHECK(caps[0].name == "NET_RAW");
  REQUIRE(caps[0].reasons.size() == 1);
  CHECK(caps[0].reasons[0].find("/usr/bin/ping has the file capability cap_net_raw+ep") !=
        std::string::npos);
  HardenResult r = harden(with);
  CHECK(!r.run.no_new_privileges);
  CHECK(r.capabilities_label == "NET_RAW");

  // A malformed value grants nothing (the kernel refuses to run such a file), but the file
  // still counts as one that asks for privileges at exec.
  FileTree bad_tree;
  Entry bad = ping;
  bad.xattrs = {{std::string(kFileCapsXattr), "xyz"}};
  bad_tree.insert(bad);
  HardenInput malformed = harden_input("app:1", config, bad_tree, {"usr/bin/ping"}, std::nullopt);
  REQUIRE(malformed.kept.size() == 1);
  CHECK(malformed.kept[0].has_file_caps);
  CHECK(!malformed.kept[0].file_caps);
  CHECK(keeps_privileged_programs(malformed));
  CHECK(derive_capabilities(malformed).empty());
}
