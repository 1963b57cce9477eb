#include <catch2/catch.hpp>

#include "core/error.h"
#include "harden/input.h"
#include "harden/writable.h"
#include "unit/harden/harden_test_util.h"

using namespace imgstrip;
using namespace imgstrip::harden_test;

TEST_CASE("policy names from image references", "[harden][input]") {
  CHECK(policy_name("csvs2021-web_i") == "csvs2021_web_i");
  CHECK(policy_name("docker.io/library/csvs2021-web_i:latest") == "csvs2021_web_i");
  CHECK(policy_name("docker://127.0.0.1:5000/team/Web.App:1.2") == "web_app");
  CHECK(policy_name("oci:/tmp/layout:web") == "layout");
  CHECK(policy_name("nginx@sha256:abcd") == "nginx");
  CHECK(policy_name("docker-daemon:csvs-web-like-image") == "csvs_web_like_image");
  CHECK(policy_name("containers-storage:localhost/web:1") == "web");
  CHECK(policy_name("3proxy") == "c_3proxy");
  CHECK(sanitize_policy_name("CSVS web--") == "csvs_web");
  CHECK(sanitize_policy_name(std::string(60, 'a')).size() == 40);
  CHECK_THROWS_AS(sanitize_policy_name("--"), Error);
}

TEST_CASE("exposed ports", "[harden][input]") {
  CHECK(parse_port("80/tcp") == Port{80, "tcp"});
  CHECK(parse_port("53/UDP") == Port{53, "udp"});
  CHECK(parse_port("8080") == Port{8080, "tcp"});
  CHECK_THROWS_AS(parse_port("0/tcp"), Error);
  CHECK_THROWS_AS(parse_port("70000"), Error);
  CHECK_THROWS_AS(parse_port("80/icmp"), Error);
  CHECK_THROWS_AS(parse_port("8000-8010/tcp"), Error);
  HardenInput in;
  in.exposed_ports = {"443/tcp", "80/tcp", "80/tcp", "53/udp"};
  auto p = ports(in);
  REQUIRE(p.size() == 3);
  CHECK(p[0].text() == "53/udp");
  CHECK(p[2].text() == "443/tcp");
}

TEST_CASE("writable directories", "[harden][input]") {
  HardenInput in = csvs_web_input();
  in.volumes = {"/var/www/html/uploads/", "/var/lib/nginx"};
  in.kept.push_back(dir("var/lib/dpkg"));
  in.kept.push_back(dir("var/cache/apt"));
  std::vector<std::string> paths;
  for (const WritableDir& w : writable_dirs(in))
    paths.push_back(w.path + " " + w.reason);
  CHECK(paths == std::vector<std::string>{
                     "run runtime directory", "tmp temporary directory",
                     "var/lib/nginx declared volume", "var/lib/php state directory",
                     "var/log/nginx log directory", "var/www/html/uploads declared volume"});
}

TEST_CASE("harden_input from a config and a tree", "[harden][input]") {
  ImageConfig config = ImageConfig::parse(
      R"({"architecture":"amd64","os":"linux","config":{"User":"www-data",
          "ExposedPorts":{"8080/tcp":{}},"Volumes":{"/data":{}}},
          "rootfs":{"type":"layers","diff_ids":[]}})",
      "test");
  FileTree tree;
  Entry su;
  su.path = "usr/bin/su";
  su.mode = 04755;
  tree.insert(su);
  Entry data;
  data.path = "data";
  data.type = FileType::Directory;
  data.uid = 33;
  tree.insert(data);
  HardenInput in =
      harden_input("web:1", config, tree, {"usr/bin/su", "data", "missing"}, std::nullopt);
  CHECK(in.user == "www-data");
  CHECK(in.exposed_ports == std::vector<std::string>{"8080/tcp"});
  CHECK(in.volumes == std::vector<std::string>{"/data"});
  REQUIRE(in.kept.size() == 2);
  CHECK(in.kept[0].path == "data");
  CHECK(in.kept[0].uid == 33);
  CHECK(keeps_setid_binaries(in));
  CHECK(input_name(in) == "web");
}
