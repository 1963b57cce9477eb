#include <catch2/catch.hpp>

#include "harden/run_args.h"

using namespace imgstrip;

TEST_CASE("docker run flags: the profile file and the capabilities", "[harden][run]") {
  auto d = run_flags(RunEngine::Docker, "CHOWN,SETGID,SETUID", std::string("/p/web.json"), true);
  CHECK(shell_words(d) ==
        "--security-opt seccomp=/p/web.json --cap-drop ALL --cap-add CHOWN --cap-add SETGID "
        "--cap-add SETUID");
  // No capabilities needed: all dropped. No file: docker gets no seccomp flag.
  CHECK(shell_words(run_flags(RunEngine::Docker, "", std::nullopt, true)) == "--cap-drop ALL");
}

TEST_CASE("podman run flags take the profile from the label", "[harden][run]") {
  CHECK(shell_words(run_flags(RunEngine::Podman, "NET_BIND_SERVICE", std::nullopt, true)) ==
        "--seccomp-policy=image --cap-drop ALL --cap-add NET_BIND_SERVICE");
  CHECK(shell_words(run_flags(RunEngine::Podman, "", std::nullopt, false)) == "--cap-drop ALL");
}

TEST_CASE("shell words are quoted where needed", "[harden][run]") {
  CHECK(shell_words({"seccomp=/a b/it's.json", "", "plain"}) ==
        "'seccomp=/a b/it'\\''s.json' '' plain");
}
