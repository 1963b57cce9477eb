# Shared helpers for the end-to-end tests. Each test script sources this file, runs its
# checks with `check`/`check_eq`, and ends with `finish`. Servers it starts are stopped
# by the PID it started, from an EXIT trap.
set -uo pipefail

: "${IMGSTRIP:?set IMGSTRIP to the imgstrip binary}"
FIXTURES=${IMGSTRIP_FIXTURES:-/var/tmp/imgstrip-fixtures}
mkdir -p "$FIXTURES"
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/imgstrip-e2e.XXXXXX")
PASSED=0
FAILED=0
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  # Images podman pulled from this run's registry (its port is gone with it).
  if [ -n "${REGISTRY:-}" ] && command -v podman >/dev/null; then
    podman images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -F "$REGISTRY/" |
      xargs -r podman rmi -f >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "  ok   $1"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && echo "$2" | head -20 | sed 's/^/       /'; }

# check NAME COMMAND...: passes when the command exits 0.
check() {
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}
# check_fails NAME EXPECTED_EXIT PATTERN COMMAND...: the command must exit with
# EXPECTED_EXIT and print PATTERN (grep -E) on stderr/stdout.
check_fails() {
  local name=$1 code=$2 pattern=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then pass "$name"
  else fail "$name" "exit $rc (want $code), output: $out"; fi
}
check_eq() {
  local name=$1 want=$2 got=$3
  if [ "$want" == "$got" ]; then pass "$name"; else fail "$name" "want: $want
got:  $got"; fi
}

finish() {
  echo "$PASSED $FAILED" >"${E2E_RESULT:-/dev/null}"
  echo "$(basename "$0"): $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# rootfs_tar NAME PACKAGES...: a Debian bookworm root file system tarball made by
# mmdebstrap, cached in $FIXTURES (keyed by name and package list).
rootfs_tar() {
  local name=$1; shift
  local key
  key=$(echo "$name $*" | sha256sum | cut -c1-12)
  local out="$FIXTURES/rootfs-$name-$key.tar"
  if [ ! -s "$out" ]; then
    local inc=""
    [ $# -gt 0 ] && inc="--include=$(IFS=,; echo "$*")"
    mmdebstrap --variant=apt $inc --format=tar bookworm "$out.tmp" >"$WORK/mmdebstrap.log" 2>&1 \
      || { cat "$WORK/mmdebstrap.log" >&2; return 1; }
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

# podman with the adjustments this machine needs (see shared/docs/test-environment.md).
podman_run() {
  podman run --rm --runtime runc --network host \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_registry [EXTRA_YAML]: starts docker-registry on a free loopback port; sets
# REGISTRY=127.0.0.1:PORT.
start_registry() {
  local dir="$WORK/registry-$RANDOM"
  mkdir -p "$dir/data"
  local port
  port=$(free_port)
  cat >"$dir/config.yml" <<EOF2
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $dir/data}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
${1:-}
EOF2
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
    sleep 0.1
  done
  REGISTRY=127.0.0.1:$port
  REGISTRY_DIR=$dir
}

# The csvs-web guestbook (examples/csvs-web), shared by the tests that run it.
# wait_http PORT: until the server answers (at most 20 s).
wait_http() {
  for _ in $(seq 1 100); do
    curl -s -m 2 -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.2
  done
  return 1
}
# run_image NAME IMAGE PORT [podman flags...]: runs it in the background (host network,
# PORT env).
run_image() {
  local name=$1 image=$2 port=$3; shift 3
  podman rm -f "$name" >/dev/null 2>&1
  podman run -d --name "$name" --rm --runtime runc --network host \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -e PORT="$port" "$@" "$image" >/dev/null
}
# guestbook PORT: the five coursework inputs, then the list (shared with the corpus).
source "$(dirname "${BASH_SOURCE[0]}")/../corpus/exercise-lib.sh"

# podman_conf FILE: a containers.conf with this machine's podman adjustments (runc, the
# ulimits), for what runs podman without them on its command line (CONTAINERS_CONF=FILE).
podman_conf() {
  cat >"$1" <<'EOF2'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
EOF2
}

# start_dockerd: dockerd without iptables or a bridge, data under $WORK; sets DOCKER_HOST.
start_dockerd() {
  local dir="$WORK/dockerd"
  mkdir -p "$dir"
  chmod 755 "$dir"
  dockerd --iptables=false --ip-masq=false --bridge=none --data-root "$dir/data" \
    --exec-root "$dir/exec" -H "unix://$dir/docker.sock" --pidfile "$dir/pid" >"$dir/log" 2>&1 &
  DOCKERD_PID=$!
  PIDS+=("$DOCKERD_PID")
  DOCKER_SOCK="$dir/docker.sock"
  for _ in $(seq 1 150); do
    curl -s -o /dev/null --unix-socket "$DOCKER_SOCK" http://localhost/_ping && break
    sleep 0.2
  done
  export DOCKER_HOST="unix://$DOCKER_SOCK"
}

# stop_dockerd: the dockerd start_dockerd started (by its PID), and what it leaves mounted
# under $WORK (its network namespace).
stop_dockerd() {
  if [ -n "${DOCKERD_PID:-}" ]; then
    kill "$DOCKERD_PID" 2>/dev/null
    wait "$DOCKERD_PID" 2>/dev/null
    DOCKERD_PID=""
  fi
  awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l
}
