#include <catch2/catch.hpp>

#include "harden/compose.h"
#include "harden/kube_pod.h"
#include "harden/run_args.h"

using namespace imgstrip;

namespace {

RunConfig web_config() {
  RunConfig c;
  c.capabilities = {"CHOWN", "SETGID", "SETUID"};
  c.read_only = true;
  c.writable = {{"/run/php", false, false},
                {"/tmp", false, false},
                {"/var/lib/nginx", false, true},
                {"/var/www/data", true, false}};
  c.no_new_privileges = true;
  return c;
}

}  // namespace

TEST_CASE("docker run flags: the profile file and the capabilities", "[harden][run]") {
  RunConfig c;
  c.capabilities = {"CHOWN", "SETGID", "SETUID"};
  c.seccomp_file = "/p/web.json";
  c.seccomp_label = true;
  CHECK(shell_words(run_flags(RunEngine::Docker, c)) ==
        "--security-opt seccomp=/p/web.json --cap-drop ALL --cap-add CHOWN --cap-add SETGID "
        "--cap-add SETUID");
  // No capabilities needed: all dropped. No file: docker gets no seccomp flag.
  RunConfig none;
  none.seccomp_label = true;
  CHECK(shell_words(run_flags(RunEngine::Docker, none)) == "--cap-drop ALL");
}

TEST_CASE("podman run flags take the profile from the label", "[harden][run]") {
  RunConfig c;
  c.capabilities = {"NET_BIND_SERVICE"};
  c.seccomp_label = true;
  CHECK(shell_words(run_flags(RunEngine::Podman, c)) ==
        "--seccomp-policy=image --cap-drop ALL --cap-add NET_BIND_SERVICE");
  CHECK(shell_words(run_flags(RunEngine::Podman, RunConfig{})) == "--cap-drop ALL");
}

TEST_CASE(
    "a read-only root: a tmpfs on each empty writable path, a volume where the image "
    "has files, nothing for declared volumes",
    "[harden][run]") {
  CHECK(shell_words(run_flags(RunEngine::Docker, web_config())) ==
        "--cap-drop ALL --cap-add CHOWN --cap-add SETGID --cap-add SETUID --security-opt "
        "no-new-privileges --read-only --tmpfs /run/php --tmpfs /tmp:rw,exec,nosuid,nodev "
        "--volume /var/lib/nginx");
}

TEST_CASE("the run labels say the writable paths and read back the same configuration",
          "[harden][run]") {
  RunConfig c = web_config();
  auto labels = run_labels(c);
  CHECK(labels.at(kWritableLabel) == "/run/php,/tmp,/var/lib/nginx,/var/www/data");
  CHECK(labels.at(kWritableContentLabel) == "/var/lib/nginx");
  CHECK(labels.at(kNoNewPrivilegesLabel) == "true");
  labels["io.containers.capabilities"] = "CHOWN,SETGID,SETUID";
  RunConfig back = run_config_from_labels(labels, {"/var/www/data"});
  CHECK(shell_words(run_flags(RunEngine::Docker, back)) ==
        shell_words(run_flags(RunEngine::Docker, c)));
  // Without the writable label nothing is known: no read-only root.
  CHECK_FALSE(run_config_from_labels({}, {}).read_only);
  // Relative or empty paths in a hand-made label are ignored.
  auto odd = run_config_from_labels({{kWritableLabel, "run,,/tmp"}}, {});
  REQUIRE(odd.writable.size() == 1);
  CHECK(odd.writable[0].path == "/tmp");
}

TEST_CASE("the compose service has the same settings", "[harden][run]") {
  RunConfig c = web_config();
  c.seccomp_file = "web.seccomp.json";
  std::string y = compose_service(c, "web", "registry.example/web:1");
  CHECK(y.find("  \"web\":\n    image: \"registry.example/web:1\"\n    read_only: true\n") !=
        std::string::npos);
  CHECK(y.find("    security_opt:\n      - \"seccomp=web.seccomp.json\"\n      - "
               "\"no-new-privileges:true\"\n") != std::string::npos);
  CHECK(y.find("    cap_add:\n      - \"CHOWN\"\n") != std::string::npos);
  CHECK(y.find("    tmpfs:\n      - \"/run/php\"\n      - \"/tmp\"\n") != std::string::npos);
  CHECK(y.find("    volumes:\n      - \"/var/lib/nginx\"\n") != std::string::npos);
  CHECK(y.find("/var/www/data") == std::string::npos);  // the engine mounts it
}

TEST_CASE("the Pod: Localhost profile, capabilities, read-only root, emptyDirs", "[harden][run]") {
  PodSettings s{"csvs2021_web_i", "localhost/web:1", "web.seccomp.json", 33, std::nullopt};
  std::string y = kube_pod(web_config(), s);
  CHECK(y.find("  name: \"csvs2021-web-i\"\n") != std::string::npos);
  CHECK(y.find("type: Localhost\n          localhostProfile: \"web.seccomp.json\"") !=
        std::string::npos);
  CHECK(y.find("\"container.seccomp.security.alpha.kubernetes.io/csvs2021-web-i\": "
               "\"localhost/web.seccomp.json\"") != std::string::npos);
  CHECK(y.find("readOnlyRootFilesystem: true") != std::string::npos);
  CHECK(y.find("allowPrivilegeEscalation: false") != std::string::npos);
  CHECK(y.find("runAsNonRoot: true\n        runAsUser: 33\n") != std::string::npos);
  CHECK(y.find("mountPath: \"/var/www/data\"") != std::string::npos);
  CHECK(y.find("medium: \"Memory\"") != std::string::npos);
}

TEST_CASE("the Pod: the image's HEALTHCHECK as a livenessProbe", "[harden][run]") {
  PodSettings s{"web", "localhost/web:1", std::nullopt, std::nullopt, std::nullopt};
  CHECK(kube_pod(web_config(), s).find("livenessProbe") == std::string::npos);
  Healthcheck h;
  h.command = {"/bin/sh", "-c", "kill -0 \"$(cat /run/nginx.pid)\"\n  privileged: true"};
  h.interval_ns = 2'500'000'000;  // 2.5 s: 3 whole seconds
  h.retries = 5;
  h.start_period_ns = 10'000'000'000;
  s.liveness = h;
  std::string y = kube_pod(web_config(), s);
  CHECK(y.find("      livenessProbe:\n        exec:\n          command:\n"
               "            - \"/bin/sh\"\n            - \"-c\"\n") != std::string::npos);
  CHECK(y.find("\n  privileged: true") == std::string::npos);  // a quoted scalar
  CHECK(y.find("        periodSeconds: 3\n        timeoutSeconds: 30\n        failureThreshold: 5\n"
               "        initialDelaySeconds: 10\n") != std::string::npos);
  h.start_period_ns.reset();
  h.timeout_ns = 1;  // at least a second
  s.liveness = h;
  y = kube_pod(web_config(), s);
  CHECK(y.find("timeoutSeconds: 1\n") != std::string::npos);
  CHECK(y.find("initialDelaySeconds") == std::string::npos);
}

TEST_CASE("image-controlled text cannot break out of a YAML scalar", "[harden][run]") {
  RunConfig c;
  c.read_only = true;
  c.writable = {{"/x\n    privileged: true", false, false}};
  std::string y = compose_service(c, "web", "img");
  CHECK(y.find("\n    privileged: true") == std::string::npos);
  CHECK(dns_label("--A_b..C--") == "a-b-c");
  CHECK(dns_label("___") == "imgstrip");
}

TEST_CASE("shell words are quoted where needed", "[harden][run]") {
  CHECK(shell_words({"seccomp=/a b/it's.json", "", "plain"}) ==
        "'seccomp=/a b/it'\\''s.json' '' plain");
}
