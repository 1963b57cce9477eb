#!/usr/bin/env bash
# Local engines end to end: a real dockerd and podman's Docker-compatible service, each
# on a private socket. The design card's command with bare names in and out; the stripped
# image under docker with the written profile and capabilities answers the guestbook like
# the original; round trips docker-daemon: <-> oci: <-> docker:// and docker <-> podman;
# the same strip through podman's service; the error cases; examples/Makefile and
# examples/pre-push pushing only the stripped image.
source "$(dirname "$0")/lib.sh"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)
IMGSTRIP=$(realpath "$IMGSTRIP")
chmod 711 "$WORK"  # the permission check below is about the socket, not this folder
CACHE="$WORK/seccomp-cache"
PODMAN_PREFIX=imgstrip-e2e-engine

# The containers and podman images this test made; then dockerd (by PID, from lib.sh's
# cleanup) and its data.
engine_cleanup() {
  docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
  podman rm -f "$PODMAN_PREFIX-run" >/dev/null 2>&1
  podman images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -F "/$PODMAN_PREFIX" |
    xargs -r podman rmi -f >/dev/null 2>&1
  stop_dockerd
  cleanup
}
trap engine_cleanup EXIT

# container_status NAME KEY: a line of /proc/PID/status of the container's first process.
container_status() {
  local pid
  pid=$(docker inspect -f '{{.State.Pid}}' "$1") && grep "^$2:" "/proc/$pid/status" | awk '{print $2}'
}
# wait_healthy NAME: until docker says the container's health check passes (60 s at most);
# prints the last check's output when it does not.
wait_healthy() {
  local status
  for _ in $(seq 1 60); do
    status=$(docker inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)
    [ "$status" = healthy ] && return 0
    sleep 1
  done
  echo "$1: $status: $(docker inspect -f '{{json .State.Health.Log}}' "$1" 2>/dev/null | jq -r '.[-1].Output' 2>/dev/null)"
  return 1
}
# cap_mask CAP,CAP...: the /proc status bit mask of these capabilities.
cap_mask() {
  python3 - "$1" <<'EOF2'
import sys
names = ("CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP "
         "LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER "
         "SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE "
         "SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP").split()
mask = 0
for c in filter(None, sys.argv[1].split(",")):
    mask |= 1 << names.index(c)
print("%016x" % mask)
EOF2
}

start_dockerd
echo "dockerd $(docker version -f '{{.Server.Version}}' 2>/dev/null) at $DOCKER_SOCK"
check "dockerd answers on its private socket" docker version
check "docker build of the fat image (examples: ENGINE=docker csvs-web/build.sh)" \
  env ENGINE=docker bash "$EXAMPLES/csvs-web/build.sh" csvs-web-like-image

echo "the design card's command, bare names in and out"
( cd "$WORK" && "$IMGSTRIP" strip -q -i csvs-web-like-image -p nginx -p php-fpm -t stripped:0.5 \
    --seccomp-cache "$CACHE" --policy-dir "$WORK/policy" >"$WORK/card.txt" 2>"$WORK/card.err" )
check_eq "imgstrip strip -i csvs-web-like-image -p nginx -p php-fpm -t stripped:0.5 exits 0" 0 "$?"
sed 's/^/    /' "$WORK/card.txt"
check "the summary names the transports" grep -q "via       docker-daemon (bare name) -> docker-daemon (bare name)" "$WORK/card.txt"
check "stripped:0.5 is tagged in the engine (docker images)" bash -c \
  "docker images --format '{{.Repository}}:{{.Tag}}' | grep -qx stripped:0.5"
check "the fat image was not touched" docker image inspect csvs-web-like-image
fat=$(docker image inspect -f '{{.Size}}' csvs-web-like-image)
thin=$(docker image inspect -f '{{.Size}}' stripped:0.5)
echo "  docker image sizes: $fat -> $thin"
check "the stripped image is under a third of the original ($thin of $fat)" test $((thin * 3)) -lt "$fat"
name=$(ls "$WORK/policy"/*.docker-run 2>/dev/null | head -1 | xargs -r basename | sed 's/\.docker-run$//')
check "the policy dir has the seccomp profile and the docker run flags" \
  test -s "$WORK/policy/$name.seccomp.json" -a -s "$WORK/policy/$name.docker-run"
caps=$(docker image inspect -f '{{index .Config.Labels "io.containers.capabilities"}}' stripped:0.5)
flags=$(cat "$WORK/policy/$name.docker-run")
echo "  docker run $flags"
cap_flags=$(for c in ${caps//,/ }; do printf ' --cap-add %s' "$c"; done)
want="--security-opt seccomp=$WORK/policy/$name.seccomp.json --cap-drop ALL$cap_flags --security-opt no-new-privileges --read-only "
check_eq "the flags: profile file, all capabilities dropped, the label's added, no new privileges, a read-only root, then the writable paths" \
  "$want" "${flags:0:${#want}}"
check "a tmpfs or volume for each writable path" grep -qE -- "--tmpfs /tmp.* --tmpfs /var/lib/guestbook" <<<"$flags"
"$IMGSTRIP" run-args stripped:0.5 -o "$WORK/run-args.json" >"$WORK/run-args.txt" 2>&1
check_eq "run-args reads the same flags back from the image's labels" \
  "${flags//$WORK\/policy\/$name.seccomp.json/$WORK/run-args.json}" "$(cat "$WORK/run-args.txt")"
check "run-args writes the same profile" bash -c \
  "diff <(jq -S . '$WORK/run-args.json') <(jq -S . '$WORK/policy/$name.seccomp.json')"
check_fails "run-args for docker without -o: the profile must be a file" 2 "docker reads profiles only from files" \
  "$IMGSTRIP" run-args stripped:0.5
j=$("$IMGSTRIP" strip -q -i csvs-web-like-image -p nginx -p php-fpm -t docker-daemon:stripped:json \
  --seccomp-cache "$CACHE" --json 2>&1)
check_eq "--json: source and destination transports" "docker-daemon docker-daemon true false" \
  "$(jq -r '"\(.sourceTransport) \(.destinationTransport) \(.bareNames.source) \(.bareNames.destination)"' <<<"$j" 2>&1)"
check_eq "--json: the run flags for docker" "docker" "$(jq -r .run.engine <<<"$j" 2>&1)"

echo "the stripped image under docker, with the profile, capabilities and a read-only root"
port_o=$(free_port); port_s=$(free_port)
docker run -d --name engine-orig --network host -e PORT="$port_o" csvs-web-like-image >/dev/null
# shellcheck disable=SC2086
docker run -d --name engine-strip --network host $flags -e PORT="$port_s" stripped:0.5 >/dev/null
check "original guestbook answers under docker" wait_http "$port_o"
check "stripped guestbook answers under docker with the written profile" wait_http "$port_s"
guestbook "$port_o" >"$WORK/orig.out"
guestbook "$port_s" >"$WORK/strip.out"
check "the five coursework inputs: identical responses" diff "$WORK/orig.out" "$WORK/strip.out"
check "normal input is stored and listed" grep -q "<b>alice</b>: More tea in the kitchen" "$WORK/strip.out"
check_eq "the seccomp filter is in force (Seccomp: 2)" 2 "$(container_status engine-strip Seccomp)"
check_eq "the bounding set is the label's capabilities ($caps)" "$(cap_mask "$caps")" \
  "$(container_status engine-strip CapBnd)"
check_eq "the control: the original runs with docker's default set" \
  "$(cap_mask CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,SETGID,SETUID,SETPCAP,NET_BIND_SERVICE,NET_RAW,SYS_CHROOT,MKNOD,AUDIT_WRITE,SETFCAP)" \
  "$(container_status engine-orig CapBnd)"
# The image's HEALTHCHECK (cat and ls in /bin/sh -c) runs inside the container, under its
# profile: the strip keeps what it runs, so the stripped container turns healthy too.
check "the stripped image keeps the HEALTHCHECK" bash -c \
  "docker image inspect -f '{{json .Config.Healthcheck.Test}}' stripped:0.5 | grep -q 'cat /run/nginx.pid'"
check "the original turns healthy" wait_healthy engine-orig
check "the stripped one turns healthy under its profile, capabilities and read-only root" \
  wait_healthy engine-strip
docker logs engine-strip >"$WORK/strip.log" 2>&1
docker rm -f engine-orig engine-strip >/dev/null 2>&1
# verify runs the image's HEALTHCHECK last in both: the same exit status, and a strip that
# takes what it runs away (-r /usr/bin/cat) is told apart by it alone.
port_v=$(free_port)
"$IMGSTRIP" verify --engine docker csvs-web-like-image stripped:0.5 --env PORT="$port_v" \
  --http "$port_v" --json >"$WORK/verify-health.json" 2>"$WORK/verify-health.err"
check_eq "verify of the stripped image passes" 0 "$?"
check "verify ran the HEALTHCHECK last in both, exit 0" jq -e \
  '(.healthcheck[0:2] == ["/bin/sh", "-c"]) and .original.steps[-1].origin == "HEALTHCHECK" and
   .stripped.steps[-1].origin == "HEALTHCHECK" and .stripped.steps[-1].exit == 0' "$WORK/verify-health.json"
"$IMGSTRIP" strip -q -i csvs-web-like-image -p nginx -p php-fpm -r /usr/bin/cat -t stripped:nocat \
  --seccomp-cache "$CACHE" >/dev/null 2>"$WORK/nocat.err"
check_eq "a strip without /usr/bin/cat exits 0" 0 "$?"
"$IMGSTRIP" verify --engine docker csvs-web-like-image stripped:nocat --env PORT="$port_v" \
  --http "$port_v" --json >"$WORK/verify-nocat.json" 2>"$WORK/verify-nocat.err"
check_eq "verify of it exits 1" 1 "$?"
check "the one difference is the HEALTHCHECK's exit status" jq -e \
  '(.differences | length) == 1 and .differences[0].original.origin == "HEALTHCHECK" and
   (.differences[0].reason | test("^exit status 0 vs [1-9]"))' "$WORK/verify-nocat.json"

echo "round trips: docker-daemon: <-> oci: <-> docker://"
start_registry
id=$(docker image inspect -f '{{.Id}}' stripped:0.5)
check "docker-daemon: -> oci:" "$IMGSTRIP" copy -q docker-daemon:stripped:0.5 "oci:$WORK/rt:s"
check "oci: -> docker://" "$IMGSTRIP" copy -q --tls-verify=false "oci:$WORK/rt:s" "docker://$REGISTRY/rt/stripped:0.5"
check "docker:// -> docker-daemon:" "$IMGSTRIP" copy -q --tls-verify=false "docker://$REGISTRY/rt/stripped:0.5" docker-daemon:roundtrip:1
check_eq "the image ID (config digest) survives the round trip" "$id" \
  "$(docker image inspect -f '{{.Id}}' roundtrip:1 2>&1)"
check "oci: -> docker-daemon: directly" "$IMGSTRIP" copy -q "oci:$WORK/rt:s" docker-daemon:roundtrip:2
check_eq "same image ID" "$id" "$(docker image inspect -f '{{.Id}}' roundtrip:2 2>&1)"
check_eq "docker pulls what went through the registry: same ID" "$id" \
  "$(docker pull -q "$REGISTRY/rt/stripped:0.5" >/dev/null 2>&1 && docker image inspect -f '{{.Id}}' "$REGISTRY/rt/stripped:0.5" 2>&1)"

echo "podman's Docker-compatible service"
PODMAN_SOCK="$WORK/podman.sock"
podman system service --time=0 "unix://$PODMAN_SOCK" >"$WORK/podman-service.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
  curl -s -o /dev/null --unix-socket "$PODMAN_SOCK" http://localhost/_ping && break
  sleep 0.1
done
pod() { env -u DOCKER_HOST CONTAINER_HOST="unix://$PODMAN_SOCK" "$@"; }
check "docker-daemon: -> containers-storage: (docker to podman)" \
  env CONTAINER_HOST="unix://$PODMAN_SOCK" "$IMGSTRIP" copy -q docker-daemon:csvs-web-like-image "containers-storage:$PODMAN_PREFIX-web:latest"
# No DOCKER_HOST: the engine docker would use is not there, so bare names reach podman's.
pod "$IMGSTRIP" strip -q -i "$PODMAN_PREFIX-web" -p nginx -p php-fpm -t "$PODMAN_PREFIX-stripped:0.5" \
  --seccomp-cache "$CACHE" --json >"$WORK/podman.json" 2>"$WORK/podman.err"
check_eq "the design card's command through podman's service exits 0" 0 "$?"
check_eq "bare names resolved to containers-storage" "containers-storage containers-storage" \
  "$(jq -r '"\(.sourceTransport) \(.destinationTransport)"' "$WORK/podman.json" 2>&1)"
check "podman has localhost/$PODMAN_PREFIX-stripped:0.5" podman image exists "localhost/$PODMAN_PREFIX-stripped:0.5"
pflags=$(pod "$IMGSTRIP" run-args "$PODMAN_PREFIX-stripped:0.5" 2>&1)
echo "  podman run $pflags"
check "run-args for podman: the profile from the label" grep -q -- "--seccomp-policy=image --cap-drop ALL" <<<"$pflags"
port_p=$(free_port)
# shellcheck disable=SC2086
run_image "$PODMAN_PREFIX-run" "localhost/$PODMAN_PREFIX-stripped:0.5" "$port_p" $pflags
check "the podman-stripped guestbook answers under podman" wait_http "$port_p"
guestbook "$port_p" >"$WORK/podman.out"
check "identical responses to the original" diff "$WORK/orig.out" "$WORK/podman.out"
podman rm -f "$PODMAN_PREFIX-run" >/dev/null 2>&1
# podman runs a HEALTHCHECK of a docker-format image (its inspect calls it HealthCheck; an
# OCI-manifest copy has none for podman): both images loaded from docker save, verify
# runs the check there as well.
docker save csvs-web-like-image stripped:0.5 | podman load -q >/dev/null 2>&1
podman_conf "$WORK/containers.conf"
port_pv=$(free_port)
env -u DOCKER_HOST CONTAINERS_CONF="$WORK/containers.conf" "$IMGSTRIP" verify --engine podman \
  csvs-web-like-image:latest stripped:0.5 \
  --env PORT="$port_pv" --http "$port_pv" --json >"$WORK/verify-podman.json" 2>"$WORK/verify-podman.err"
check_eq "verify under podman passes" 0 "$?"
check "verify under podman ran the HEALTHCHECK last in both, exit 0" jq -e \
  '(.healthcheck[0:2] == ["/bin/sh", "-c"]) and .original.steps[-1].origin == "HEALTHCHECK" and
   .stripped.steps[-1].exit == 0' "$WORK/verify-podman.json"
podman rmi -f csvs-web-like-image:latest stripped:0.5 >/dev/null 2>&1
check "containers-storage: -> docker-daemon: (podman to docker)" \
  env CONTAINER_HOST="unix://$PODMAN_SOCK" "$IMGSTRIP" copy -q "containers-storage:$PODMAN_PREFIX-stripped:0.5" docker-daemon:from-podman:1
check_eq "podman's copy in docker has podman's config (same image ID)" \
  "$(podman image inspect -f '{{.Id}}' "localhost/$PODMAN_PREFIX-stripped:0.5" 2>&1)" \
  "$(docker image inspect -f '{{.Id}}' from-podman:1 2>&1 | sed 's/^sha256://')"

echo "errors: one line naming the socket and the image, exit 1, nothing tagged"
one_line() { local out; out=$("$@" 2>&1); [ "$(wc -l <<<"$out")" -eq 1 ] || { echo "$out"; return 1; }; }
check_fails "no socket" 1 "docker-daemon:stripped:0.5: .*no socket at $WORK/none.sock" \
  env DOCKER_HOST="unix://$WORK/none.sock" "$IMGSTRIP" inspect docker-daemon:stripped:0.5
check "  ... on one line" one_line env DOCKER_HOST="unix://$WORK/none.sock" "$IMGSTRIP" inspect docker-daemon:stripped:0.5
check_fails "no podman service: how to start it" 1 "containers-storage:web:1: .*no socket at $WORK/none.sock.*podman system service --time=0 &" \
  env -u DOCKER_HOST CONTAINER_HOST="unix://$WORK/none.sock" "$IMGSTRIP" inspect containers-storage:web:1
check_fails "permission denied on the socket" 1 "docker-daemon:stripped:0.5: .*permission denied on $DOCKER_SOCK" \
  setpriv --reuid=65534 --regid=65534 --clear-groups "$IMGSTRIP" inspect docker-daemon:stripped:0.5
check_fails "image not in the engine" 1 "docker-daemon:nope:1: no image nope:1 in the docker engine at $DOCKER_SOCK" \
  "$IMGSTRIP" inspect docker-daemon:nope:1
check "  ... on one line" one_line "$IMGSTRIP" inspect docker-daemon:nope:1
# A load the engine refuses: docker 20.10 will not load a Windows image on Linux, and
# says so inside an HTTP 200 body.
cp -r "$WORK/rt" "$WORK/win"
mf=$(jq -r '.manifests[0].digest' "$WORK/win/index.json" | sed 's/^sha256://')
cfg=$(jq -r .config.digest "$WORK/win/blobs/sha256/$mf" | sed 's/^sha256://')
jq -c '.os = "windows"' "$WORK/win/blobs/sha256/$cfg" >"$WORK/win.cfg"
ncfg=$(sha256sum "$WORK/win.cfg" | cut -d' ' -f1)
cp "$WORK/win.cfg" "$WORK/win/blobs/sha256/$ncfg"
jq -c --arg d "sha256:$ncfg" --argjson s "$(stat -c %s "$WORK/win.cfg")" '.config.digest = $d | .config.size = $s' \
  "$WORK/win/blobs/sha256/$mf" >"$WORK/win.mf"
nmf=$(sha256sum "$WORK/win.mf" | cut -d' ' -f1)
cp "$WORK/win.mf" "$WORK/win/blobs/sha256/$nmf"
jq -c --arg d "sha256:$nmf" --argjson s "$(stat -c %s "$WORK/win.mf")" \
  '.manifests[0].digest = $d | .manifests[0].size = $s | .manifests[0].platform.os = "windows"' \
  "$WORK/win/index.json" >"$WORK/win.idx" && mv "$WORK/win.idx" "$WORK/win/index.json"
refused=$("$IMGSTRIP" copy -q --platform windows/amd64 "oci:$WORK/win:s" docker-daemon:refused:1 2>&1)
echo "  $refused"
check_eq "a load the engine refuses: exit 1" 1 "$("$IMGSTRIP" copy -q --platform windows/amd64 "oci:$WORK/win:s" docker-daemon:refused:1 >/dev/null 2>&1; echo $?)"
check "  ... one line with the socket, the image and the engine's message" grep -qx \
  "imgstrip copy: docker-daemon:refused:1: the docker engine at $DOCKER_SOCK refused the image: .*windows.*" <<<"$refused"
check "  ... nothing tagged" bash -c "! docker image inspect refused:1 >/dev/null 2>&1"
check_fails "a strip that fails (no such package) tags nothing" 2 "no-such-package" \
  "$IMGSTRIP" strip -q -i csvs-web-like-image -p no-such-package -t failed:1
check "  ... nothing tagged" bash -c "! docker image inspect failed:1 >/dev/null 2>&1"

echo "examples: make push and the pre-push hook push only the stripped image"
make -C "$EXAMPLES" push IMGSTRIP="$IMGSTRIP" REGISTRY="$REGISTRY" IMAGE=csvs-web-like-image \
  STRIPPED=stripped-make:1 POLICY_DIR="$WORK/make-policy" STRIP_FLAGS="-q --seccomp-cache $CACHE" \
  >"$WORK/make.log" 2>&1
check_eq "make push exits 0" 0 "$?"
(cd "$EXAMPLES" && rm -f stripped-report.json)
check "the registry has the stripped image" skopeo inspect --tls-verify=false "docker://$REGISTRY/stripped-make:1"
repo="$WORK/repo"
git init -q "$repo" && git -C "$repo" commit -q --allow-empty -m init
git -C "$repo" config imgstrip.image csvs-web-like-image
git -C "$repo" config imgstrip.target stripped-hook:1
git -C "$repo" config imgstrip.push "$REGISTRY/stripped-hook:1"
git -C "$repo" config imgstrip.packages "nginx php-fpm"
git -C "$repo" config imgstrip.binary "$IMGSTRIP"
git -C "$repo" config imgstrip.flags "-q --tls-verify=false"
git -C "$repo" config imgstrip.stripflags "--seccomp-cache $CACHE"
git -C "$repo" config imgstrip.verify false  # the hook's verify: test_verify.sh
(cd "$repo" && sh "$EXAMPLES/pre-push" origin "file:///nowhere" </dev/null) >"$WORK/hook.log" 2>&1
check_eq "the pre-push hook exits 0" 0 "$?"
check "the hook tagged the stripped image locally" docker image inspect stripped-hook:1
check "the registry has the hook's stripped image" skopeo inspect --tls-verify=false "docker://$REGISTRY/stripped-hook:1"
catalog=$(curl -s "http://$REGISTRY/v2/_catalog")
echo "  registry catalog: $catalog"
check "the fat image never reached the registry" bash -c "! grep -q csvs-web-like-image <<<'$catalog'"
git -C "$repo" config imgstrip.packages "no-such-package"
(cd "$repo" && sh "$EXAMPLES/pre-push" origin "file:///nowhere" </dev/null) >"$WORK/hook2.log" 2>&1
check_eq "a failing strip stops the push (hook exits non-zero)" 2 "$?"

finish
