#!/usr/bin/env bash
# The corpus of real applications (tests/corpus/*/): for each app the image builds
# (cached), the original answers its exercise as recorded (expected.out), imgstrip strips
# it with the app's strip.args, the stripped image has no setid or world-writable file and
# no exec bit on data but where the report says why, it answers identically under podman's
# default seccomp profile and as `imgstrip run-args --engine podman` says (its baked
# profile, its capabilities, a read-only root with its labelled writable paths, no new
# privileges), every syscall the stripped app makes under strace -f is in that profile
# (scripts/soundness.sh), and it answers identically under a real Docker engine run as
# `run-args --engine docker` says (the profile as a file: docker ignores the image's
# labels). CORPUS_APPS="a b" limits the run to some apps.
source "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
source "$REPO/tests/corpus/lib.sh"
CORPUS_WORK=$WORK/corpus
CORPUS_PREFIX=imgstrip-e2e-corpus-$$-
# This run's own stripped images (others may strip the same apps on this machine).
CORPUS_STRIPPED_TAG=e2e-$$
corpus_init
remove_stripped() {
  podman images --format '{{.Repository}}:{{.Tag}}' | grep -E "^localhost/corpus-.*-stripped:$CORPUS_STRIPPED_TAG\$" |
    xargs -r podman rmi -f >/dev/null 2>&1
}
trap 'corpus_cleanup; remove_stripped; stop_dockerd; cleanup' EXIT
export CORPUS_WORK CORPUS_PREFIX CORPUS_STRIPPED_TAG IMGSTRIP

check "the corpus's tools are installed (${CORPUS_TOOLS[*]})" corpus_require "${CORPUS_TOOLS[@]}"
if [ -n "${CORPUS_APPS:-}" ]; then read -r -a apps <<<"$CORPUS_APPS"; else mapfile -t apps < <(corpus_apps); fi
check "the corpus has its apps ($(corpus_apps | wc -l))" test "$(corpus_apps | wc -l)" -ge 9
# verify runs podman without this machine's adjustments on its command line.
podman_conf "$CORPUS_WORK/containers.conf"
start_dockerd
CORPUS_DOCKER_USED=1
check "dockerd answers on its private socket" docker version

# ran_ok FILE: a session's answers, without a "!! ... did not get ready" line (the app's
# or its companion's); app_started FILE: without the app's own.
ran_ok() { test -s "$1" && ! grep -q '^!! ' "$1"; }
app_started() { ! grep -q '^!! phase' "$1"; }
# init_refused ENGINE IMAGE PROFILE WORD: a container run with --init under PROFILE stops
# at once, its init's last words naming WORD.
init_refused() {
  local engine=$1 image=$2 profile=$3 word=$4 name=${CORPUS_PREFIX}init-refused out
  CORPUS_ENGINE=$engine _corpus_podman_run "$name" "$image" --init --security-opt seccomp="$profile" ||
    return 1
  for _ in $(seq 1 50); do
    [ "$("$engine" inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || break
    sleep 0.2
  done
  out=$("$engine" logs "$name" 2>&1)
  local running
  running=$("$engine" inspect --format '{{.State.Running}}' "$name" 2>/dev/null)
  "$engine" rm -f "$name" >/dev/null 2>&1
  echo "$out" | tail -2
  [ "$running" = false ] && grep -q "$word" <<<"$out"
}

for app in "${apps[@]}"; do
  d=$CORPUS_WORK/$app
  mkdir -p "$d"
  args=$(cat "$REPO/tests/corpus/$app/strip.args")
  echo "-- $app (strip $args)"
  t=$SECONDS
  check "$app: the image builds" corpus_build "$app"
  corpus_run "$app" orig orig >"$d/orig.out"
  check "$app: the original answers its exercise" ran_ok "$d/orig.out"
  check "$app: the original's answers are the recorded ones (expected.out)" \
    diff "$REPO/tests/corpus/$app/expected.out" "$d/orig.out"
  if out=$(corpus_strip "$app" 2>&1); then
    pass "$app: imgstrip $args exits 0"
  else
    fail "$app: imgstrip $args exits 0" "$out"
    for c in "answers identically" "answers identically under its own profile" "answers under docker" "soundness"; do
      fail "$app: stripped: $c" "no stripped image"
    done
    continue
  fi
  echo "  $(jq -r '"\(.bytes.before) -> \(.bytes.after) bytes, \(.seccomp.allowed) syscalls allowed"' "$d/summary.json")"
  check "$app: the report gives every kept path its reasons" \
    jq -e '(.kept | length) > 0 and ([.kept[] | select((.reasons // []) | length == 0)] | length == 0)' "$d/report.json"
  # None of the calls that break out of a container or into the kernel: the issue's list
  # (unshare only with its flags filtered).
  check "$app: the profile allows none of mount, ptrace, bpf, keyctl, add_key... (unshare only filtered)" \
    jq -e '[.seccomp.allowed[] | select(IN("mount", "umount2", "pivot_root", "ptrace",
             "process_vm_readv", "process_vm_writev", "bpf", "perf_event_open", "kexec_load",
             "init_module", "finit_module", "delete_module", "setns", "keyctl", "add_key",
             "request_key", "swapon", "reboot", "userfaultfd"))] == [] and
           ((.seccomp.allowed | index("unshare")) == null or .seccomp.argumentFilters.unshare.allowed != null)' \
    "$d/report.json"
  # A kept JDK: the serviceability agent's JNI library (jdk.hotspot.agent, never in a
  # class-path application's boot layer) is not analysed, so ptrace is not allowed.
  if jq -e '(.seccomp.javaModules // []) | length > 0' "$d/report.json" >/dev/null; then
    check "$app: libsaproc.so (jdk.hotspot.agent, outside the boot layer) is not loaded: no ptrace" \
      jq -e '([.seccomp.javaModules[].notLoaded[].object | test("/libsaproc[.]so$")] | any) and
             (.seccomp.allowed | index("ptrace") == null)' "$d/report.json"
  fi
  corpus_run "$app" stripped strip >"$d/strip.out"
  check "$app: stripped: answers identically (podman's default seccomp)" diff "$d/orig.out" "$d/strip.out"
  grep -h '^!! ' "$d/strip.out" | sed 's/^/  /'
  if ! app_started "$d/strip.out"; then
    echo "  the stripped app did not start: $(grep -v '^$' "$d/strip.log" 2>/dev/null | tail -3 | cut -c1-200 | tr '\n' '|')"
    fail "$app: stripped: answers identically under its own profile" "the stripped image does not start"
    fail "$app: stripped: answers under docker" "the stripped image does not start"
    fail "$app: stripped: soundness" "the stripped image does not start"
    continue
  fi
  check "$app: the stripped image carries its profile (io.containers.seccomp.profile)" bash -c \
    "podman image inspect --format '{{index .Labels \"io.containers.seccomp.profile\"}}' '$(corpus_stripped_image "$app")' | jq -e '.syscalls | length > 0'"
  check "$app: no setuid/setgid file in the stripped image" \
    test -z "$(jq -r 'select(.type == "file" and ((.mode / 1024 | floor) % 4) > 0) | .path' "$d/ls.json")"
  check "$app: nothing world-writable but sticky directories and devices" \
    test -z "$(jq -r 'select((.type == "file" or .type == "directory") and ((.mode / 2 | floor) % 2) == 1 and (.type != "directory" or ((.mode / 512 | floor) % 2) == 0)) | .path' "$d/ls.json")"
  check "$app: exec bits under /etc and /usr/share only where the report says why" diff \
    <(jq -r '.lockdown.exec_in_data_dirs | keys[]' "$d/report.json" | sort) \
    <(jq -r 'select(.type == "file" and (.path | test("^/(etc|usr/share)/")) and ([(.mode / 64 | floor) % 2, (.mode / 8 | floor) % 2, .mode % 2] | max) == 1) | .path' "$d/ls.json" | sort)
  check "$app: run-args asks for a read-only root and no new privileges" \
    bash -c "grep -qx -- --read-only '$d/podman-run.args' && grep -qx no-new-privileges '$d/podman-run.args'"
  mapfile -t own <"$d/podman-run.args"
  corpus_run "$app" stripped prof "${own[@]}" >"$d/prof.out"
  check "$app: stripped: answers identically under its own profile, capabilities, read-only root and no new privileges (imgstrip run-args --engine podman)" \
    diff "$d/orig.out" "$d/prof.out"
  check_eq "$app: stripped: the container ran under a seccomp filter" "Seccomp: 2" "$(cat "$d/prof.seccomp" 2>/dev/null)"
  # imgstrip verify with the app's exercise as a requests file or an OpenAPI document
  # (verify.args, one argument a line), the stripped image under everything it carries.
  if [ -f "$REPO/tests/corpus/$app/verify.args" ]; then
    mapfile -t vargs <"$REPO/tests/corpus/$app/verify.args"
    (cd "$REPO/tests/corpus/$app" && CONTAINERS_CONF=$CORPUS_WORK/containers.conf \
      "$IMGSTRIP" verify --engine podman "$(corpus_image "$app")" "$(corpus_stripped_image "$app")" \
      "${vargs[@]}" --json >"$d/verify.json" 2>"$d/verify.err")
    check_eq "$app: imgstrip verify ${vargs[*]} passes" 0 "$?"
    check "$app: verify compared the whole exercise, the stripped one read-only" jq -e \
      '(.stripped.steps | length) >= 4 and (.stripped.runFlags | index("--read-only") != null)' "$d/verify.json"
  fi
  if out=$(corpus_docker_load "$app" 2>&1); then
    CORPUS_ENGINE=docker CORPUS_OWN_PROFILE=1 corpus_run "$app" stripped docker >"$d/docker.out"
    check "$app: stripped: answers identically under docker as run-args --engine docker says (profile file, capabilities, read-only root)" \
      diff "$d/orig.out" "$d/docker.out"
    check_eq "$app: stripped: the docker container ran under a seccomp filter" "Seccomp: 2" \
      "$(cat "$d/docker.seccomp" 2>/dev/null)"
  else
    fail "$app: stripped: answers identically under docker as run-args --engine docker says (profile file, capabilities, read-only root)" \
      "docker load: $out"
  fi
  # --init (docker run --init, compose's init: true; podman run --init): the engine's own
  # init (tini, catatonit) runs as the container's PID 1 under the same profile. The app
  # answers with it in front; with the profile's --init calls taken out it dies at once.
  if [[ " ${CORPUS_INIT_APPS-node-express} " == *" $app "* ]]; then
    corpus_run "$app" stripped init "${own[@]}" --init >"$d/init.out"
    check "$app: stripped: answers identically under its own profile with podman run --init (catatonit)" \
      diff "$d/orig.out" "$d/init.out"
    CORPUS_ENGINE=docker CORPUS_OWN_PROFILE=1 corpus_run "$app" stripped dinit --init >"$d/dinit.out"
    check "$app: stripped: answers identically under its own profile with docker run --init (tini)" \
      diff "$d/orig.out" "$d/dinit.out"
    check "$app: the report names the calls only --init needs (signalfd4, rt_sigtimedwait)" jq -e \
      '(.seccomp.inits == ["tini", "catatonit"]) and (.seccomp.fromInit | index("signalfd4") != null)
       and (.seccomp.explain.signalfd4.init == ["catatonit"])' "$d/report.json"
    jq --argjson drop "$(jq -c '.seccomp.fromInit' "$d/report.json")" \
      '.syscalls |= map(.names -= $drop | select(.names | length > 0))' "$d/profile.json" >"$d/noinit.json"
    check "$app: without them podman's catatonit cannot start (signalfd)" \
      init_refused podman "$(corpus_stripped_image "$app")" "$d/noinit.json" signalfd
    check "$app: without them docker's tini cannot start (sigtimedwait)" \
      init_refused docker "$(corpus_stripped_image "$app")" "$d/noinit.json" sigtimedwait
  fi
  check "$app: stripped: soundness (every syscall under strace is in the profile)" \
    bash "$REPO/scripts/soundness.sh" "$app"
  [ -f "$d/observed.txt" ] &&
    echo "  |static| = $(wc -l <"$d/static.txt"), |observed| = $(wc -l <"$d/observed.txt"), misses: $(comm -23 "$d/observed.txt" "$d/static.txt" | tr '\n' ' ')"
  echo "  $app: $((SECONDS - t)) s"
done
finish
