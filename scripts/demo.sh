#!/usr/bin/env bash
# The built-in example, end to end on a fresh Debian machine: installs dependencies,
# builds imgstrip, starts a registry on loopback, builds the csvs-web image (nginx +
# php-fpm from Debian packages), strips it with
#     imgstrip -i 127.0.0.1:PORT/csvs2021-web_i -p nginx -p php-fpm -t 127.0.0.1:PORT/stripped:0.5
# runs both images with podman and shows the sizes and the working guestbook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The binary only (the demo runs no unit test), without debug information, compiled in
# unity batches: 2.6 min on 2 cores instead of 8.
TARGET=imgstrip BUILD_DIR=build-demo BUILD_TYPE=Release bash scripts/build.sh \
  -DIMGSTRIP_UNITY=ON -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"
IMGSTRIP=$PWD/build-demo/cmd/imgstrip
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/imgstrip-demo.XXXXXX")
PIDS=()
cleanup() {
  podman rm -f imgstrip-demo-orig imgstrip-demo-stripped >/dev/null 2>&1 || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REGISTRY=127.0.0.1:$port
mkdir -p "$WORK/registry"
cat >"$WORK/registry/config.yml" <<EOF2
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $WORK/registry/data}}
http: {addr: $REGISTRY}
EOF2
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "http://$REGISTRY/v2/" && break; sleep 0.2; done
echo "== registry on $REGISTRY"

echo "== building the csvs-web image from Debian packages (mmdebstrap, ~1 min the first time)"
bash examples/csvs-web/build.sh localhost/csvs2021-web_i:latest "docker://$REGISTRY/csvs2021-web_i:latest"

echo "== imgstrip -i $REGISTRY/csvs2021-web_i -p nginx -p php-fpm -t $REGISTRY/stripped:0.5"
"$IMGSTRIP" --tls-verify=false -i "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  -t "$REGISTRY/stripped:0.5" --report "$WORK/report.json" --policy-dir "$WORK/policy"
echo "   capabilities and why:"
jq -r '.hardening.capabilities[] | "     \(.name): \(.reasons[0])"' "$WORK/report.json"
echo "   policies written to $WORK/policy: $(cd "$WORK/policy" && echo *)"
echo "   why is libsqlite3 kept?"
"$IMGSTRIP" why --tls-verify=false "$REGISTRY/csvs2021-web_i" -p nginx -p php-fpm \
  /usr/lib/x86_64-linux-gnu/libsqlite3.so.0 | sed 's/^/     /'

echo "== running both with podman"
podman pull -q --tls-verify=false "$REGISTRY/stripped:0.5" >/dev/null
run() {
  podman run -d --name "$1" --rm --runtime runc --network host --ulimit nofile=1024:1024 \
    --ulimit nproc=1024:1024 -e PORT="$3" "${@:4}" "$2" >/dev/null
}
run imgstrip-demo-orig localhost/csvs2021-web_i:latest 18180
# The stripped image under its own seccomp profile; podman applies its capabilities label.
run imgstrip-demo-stripped "$REGISTRY/stripped:0.5" 18181 --seccomp-policy=image
for p in 18180 18181; do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.2; done
done
for p in 18180 18181; do
  name=original; [ $p = 18181 ] && name=stripped
  reply=$(curl -s -d "user=demo&suggestion=hello from the $name image" "http://127.0.0.1:$p/index.php")
  echo "   $name: $(grep -o 'Thank you[^<]*' <<<"$reply") / $(grep -c '<li>' <<<"$reply") entries listed"
done
echo "== sizes (podman)"
podman images --format '   {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "^   (localhost/csvs2021-web_i:latest|$REGISTRY/stripped:0.5) "
