#!/usr/bin/env bash
# Benchmarks (not tests): each line compares imgstrip with a baseline measured in the same
# run on the same input, and prints the ratio and imgstrip's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target imgstrip >/dev/null
IMGSTRIP=$PWD/$BUILD_DIR/cmd/imgstrip
FIXTURES=${IMGSTRIP_FIXTURES:-/var/tmp/imgstrip-fixtures}
mkdir -p "$FIXTURES"
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/imgstrip-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# measure NAME CMD...: runs the command 3 times, keeps the best wall time; sets T and RSS.
measure() {
  local best="" rss=0
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
    read -r t m <"$WORK/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    rss=$m
  done
  T=$best
  RSS=$rss
}
ratio() { awk "BEGIN{ if ($2 <= 0) print \"inf\"; else printf \"%.2f\", $1 / $2 }"; }

rootfs=$FIXTURES/bench-web.tar
if [ ! -s "$rootfs" ]; then
  mmdebstrap --variant=apt --include=nginx-light,php-fpm,php-sqlite3,php-mysql,python3,curl \
    --format=tar bookworm "$rootfs.tmp" >/dev/null 2>&1
  mv "$rootfs.tmp" "$rootfs"
fi
podman import -q "$rootfs" localhost/imgstrip-bench:latest >/dev/null
skopeo copy -q containers-storage:localhost/imgstrip-bench:latest "oci:$WORK/img:latest"
manifest=$(jq -r '.manifests[0].digest' "$WORK/img/index.json" | cut -d: -f2)
layers=$(jq -r '.layers[].digest' "$WORK/img/blobs/sha256/$manifest" | cut -d: -f2 | sed "s|^|$WORK/img/blobs/sha256/|")
size=$(for l in $layers; do gzip -dc "$l"; done | wc -c)
echo "image: $(awk "BEGIN{printf \"%.0f\", $size/1e6}") MB uncompressed, $(du -cb $layers | tail -1 | cut -f1 | awk '{printf "%.0f", $1/1e6}') MB compressed"

# The codecs imgstrip chose from, on this image's layers and flattened tar: zlib (Python's
# binding), ISA-L's igzip and libdeflate's CLI, each against zlib in the same run.
cat $layers >"$WORK/layers.gz"
for l in $layers; do gzip -dc "$l"; done >"$WORK/flat.tar"
measure python3 -c "import zlib,sys
for p in sys.argv[1:]:
    with open(p,'rb') as f:
        d=zlib.decompressobj(31)
        while True:
            chunk=f.read(1<<18)
            if not chunk: break
            d.decompress(chunk)" $layers
zinf=$T
measure igzip -dc "$WORK/layers.gz"
printf 'codec inflate: zlib %ss, ISA-L igzip %ss (ratio %s)' "$zinf" "$T" "$(ratio "$T" "$zinf")"
measure libdeflate-gzip -dc "$WORK/layers.gz"
printf ', libdeflate %ss (ratio %s)\n' "$T" "$(ratio "$T" "$zinf")"
measure python3 -c "import zlib,sys; c=zlib.compressobj(6,8,31); open(sys.argv[2],'wb').write(c.compress(open(sys.argv[1],'rb').read())+c.flush())" "$WORK/flat.tar" "$WORK/z.gz"
zdef=$T
zsize=$(stat -c %s "$WORK/z.gz")
measure bash -c "libdeflate-gzip -6 -c '$WORK/flat.tar' >'$WORK/d.gz'"
printf 'codec deflate level 6: zlib %ss %d MB; libdeflate %ss %d MB (ratio %s)' "$zdef" \
  "$((zsize / 1000000))" "$T" "$(($(stat -c %s "$WORK/d.gz") / 1000000))" "$(ratio "$T" "$zdef")"
measure bash -c "igzip -3 -c '$WORK/flat.tar' >'$WORK/i.gz'"
printf '; ISA-L level 3 %ss %d MB (ratio %s)\n' "$T" "$(($(stat -c %s "$WORK/i.gz") / 1000000))" \
  "$(ratio "$T" "$zdef")"
rm -f "$WORK/layers.gz" "$WORK/flat.tar" "$WORK/z.gz" "$WORK/d.gz" "$WORK/i.gz"

measure bash -c "for l in $layers; do gzip -dc \$l >/dev/null; done"
base=$T
measure "$IMGSTRIP" ls "oci:$WORK/img:latest"
printf 'ls (full flatten): imgstrip %ss, gzip -dc %ss, ratio %s (target <= 1.3), peak RSS %d MB (target <= 100)\n' \
  "$T" "$base" "$(ratio "$T" "$base")" "$((RSS / 1024))"

measure bash -c "for l in $layers; do gzip -dc \$l | gzip -6 >/dev/null; done"
base=$T
measure "$IMGSTRIP" copy -q --flatten "oci:$WORK/img:latest" "oci:$WORK/flat:latest"
printf 'copy --flatten: imgstrip %ss, gzip -dc | gzip -6 %ss, ratio %s, peak RSS %d MB\n' \
  "$T" "$base" "$(ratio "$T" "$base")" "$((RSS / 1024))"

# Registry pull and push of the same image, next to skopeo copy in the same run.
REG_DIR=$WORK/registry
mkdir -p "$REG_DIR"
reg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$REG_DIR/config.yml" <<EOF2
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $REG_DIR/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$reg_port}
EOF2
docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$reg_port/v2/" && break; sleep 0.2; done
R=127.0.0.1:$reg_port
skopeo copy -q --dest-tls-verify=false "oci:$WORK/img:latest" "docker://$R/bench/src:1"
# A fresh repository each run, so every push really uploads (blobs are linked per repo).
# skopeo remembers in its blob info cache (/var/lib/containers/cache) which repositories
# hold a blob and mounts from them instead of uploading; an empty cache of its own per run
# (a tmpfs over that folder, in a private mount namespace) makes it upload like we do.
push_skopeo() {
  local repo=bench/s$RANDOM$RANDOM
  unshare -m bash -c "mkdir -p /var/lib/containers/cache && mount -t tmpfs tmpfs /var/lib/containers/cache &&
    exec skopeo copy -q --dest-tls-verify=false 'oci:$WORK/img:latest' 'docker://$R/$repo:1'"
}
push_ours() { "$IMGSTRIP" copy -q --tls-verify=false "oci:$WORK/img:latest" "docker://$R/bench/o$RANDOM$RANDOM:1"; }
pull_skopeo() { rm -rf "$WORK/pull"; skopeo copy -q --src-tls-verify=false "docker://$R/bench/src:1" "oci:$WORK/pull:x"; }
pull_ours() { rm -rf "$WORK/pull"; "$IMGSTRIP" copy -q --tls-verify=false "docker://$R/bench/src:1" "oci:$WORK/pull:x"; }
export -f push_skopeo push_ours pull_skopeo pull_ours
export WORK R IMGSTRIP
measure bash -c pull_skopeo
base=$T
measure bash -c pull_ours
printf 'registry pull: imgstrip %ss, skopeo copy %ss, ratio %s (target <= 1.0)\n' "$T" "$base" "$(ratio "$T" "$base")"
measure bash -c push_skopeo
base=$T
measure bash -c push_ours
printf 'registry push: imgstrip %ss, skopeo copy %ss, ratio %s (target <= 1.0)\n' "$T" "$base" "$(ratio "$T" "$base")"
measure "$IMGSTRIP" copy -q --tls-verify=false "docker://$R/bench/src:1" "oci:$WORK/rss:x"
printf 'registry pull peak RSS: %d MB (target <= 100)\n' "$((RSS / 1024))"

# The whole strip of csvs-web from and to the registry, next to the work any stripper
# must do: gzip -dc of the input layers plus gzip -6 of the output layer's tar.
bash examples/csvs-web/build.sh localhost/csvs2021-web_i:latest "docker://$R/csvs2021-web_i:latest" >/dev/null
"$IMGSTRIP" -q --tls-verify=false -i "$R/csvs2021-web_i" -p nginx -p php-fpm -t "oci:$WORK/stripped:x" >/dev/null
skopeo copy -q --src-tls-verify=false "docker://$R/csvs2021-web_i:latest" "oci:$WORK/csvs:x"
in_layers=$(jq -r '.layers[].digest' "$WORK/csvs/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/csvs/index.json" | cut -d: -f2)" | cut -d: -f2 | sed "s|^|$WORK/csvs/blobs/sha256/|")
out_layer=$WORK/stripped/blobs/sha256/$(jq -r '.layers[0].digest' "$WORK/stripped/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/stripped/index.json" | cut -d: -f2)" | cut -d: -f2)
gzip -dc "$out_layer" >"$WORK/out.tar"
measure bash -c "for l in $in_layers; do gzip -dc \$l >/dev/null; done; gzip -6 <$WORK/out.tar >/dev/null"
base=$T
# The strip itself (the seccomp analysis has its own line below).
measure "$IMGSTRIP" -q --no-seccomp --tls-verify=false -i "$R/csvs2021-web_i" -p nginx -p php-fpm -t "$R/stripped:bench"
printf 'strip csvs-web (registry to registry): imgstrip %ss, gzip -dc + gzip -6 %ss, ratio %s (target <= 1.5), peak RSS %d MB (target <= 150)\n' \
  "$T" "$base" "$(ratio "$T" "$base")" "$((RSS / 1024))"

# The whole strip a user runs: seccomp analysis (warm cache) and policies included.
wcache=$WORK/whole-cache
"$IMGSTRIP" -q --tls-verify=false -i "$R/csvs2021-web_i" -p nginx -p php-fpm -t "$R/stripped:whole" \
  --seccomp-cache "$wcache" --policy-dir "$WORK/whole-policies" >/dev/null
measure "$IMGSTRIP" -q --tls-verify=false -i "$R/csvs2021-web_i" -p nginx -p php-fpm -t "$R/stripped:whole" \
  --seccomp-cache "$wcache" --policy-dir "$WORK/whole-policies"
printf 'whole strip csvs-web (seccomp with a warm cache, policies): imgstrip %ss, gzip -dc + gzip -6 %ss, ratio %s (target <= 0.8), peak RSS %d MB\n' \
  "$T" "$base" "$(ratio "$T" "$base")" "$((RSS / 1024))"

# Seccomp: the analysis of every kept binary of stripped csvs-web (nginx, php-fpm and their
# libraries), cold (no cache) and cached. The command's own line gives the analysis time
# alone (without reading and flattening the image).
sc_cache=$WORK/seccomp-cache
rm -rf "$sc_cache"
measure "$IMGSTRIP" seccomp --all "oci:$WORK/stripped:x" --seccomp-cache "" -o "$WORK/sc.json"
cold=$T cold_rss=$RSS
cold_line=$(tail -1 "$WORK/err")
"$IMGSTRIP" seccomp --all "oci:$WORK/stripped:x" --seccomp-cache "$sc_cache" -o "$WORK/sc.json" 2>/dev/null
measure "$IMGSTRIP" seccomp --all "oci:$WORK/stripped:x" --seccomp-cache "$sc_cache" -o "$WORK/sc.json"
printf 'seccomp csvs-web kept binaries: cold %ss (target <= 10), peak RSS %d MB (target <= 500): %s\n' \
  "$cold" "$((cold_rss / 1024))" "$cold_line"
printf 'seccomp csvs-web kept binaries: cached %ss (target <= 1), peak RSS %d MB: %s\n' \
  "$T" "$((RSS / 1024))" "$(tail -1 "$WORK/err")"

# A cold strip of the Node corpus image (no analysis cache: libnode and ICU dominate), next
# to gzip -dc of its layers + gzip -6 of its output layer.
node_ref=localhost/imgstrip-bench-node:latest
if bash tests/corpus/node-express/build.sh "$node_ref" >"$WORK/node-build.log" 2>&1; then
  skopeo copy -q "containers-storage:$node_ref" "oci:$WORK/node:x"
  "$IMGSTRIP" -q -i "oci:$WORK/node:x" -p nodejs -t "oci:$WORK/node-out:x" --seccomp-cache "" >/dev/null
  nin=$(jq -r '.layers[].digest' "$WORK/node/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/node/index.json" | cut -d: -f2)" | cut -d: -f2 | sed "s|^|$WORK/node/blobs/sha256/|")
  nout=$WORK/node-out/blobs/sha256/$(jq -r '.layers[0].digest' "$WORK/node-out/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/node-out/index.json" | cut -d: -f2)" | cut -d: -f2)
  gzip -dc "$nout" >"$WORK/node-out.tar"
  measure bash -c "for l in $nin; do gzip -dc \$l >/dev/null; done; gzip -6 <$WORK/node-out.tar >/dev/null"
  base=$T
  measure bash -c "rm -rf '$WORK/node-out'; '$IMGSTRIP' -q -i 'oci:$WORK/node:x' -p nodejs -t 'oci:$WORK/node-out:x' --seccomp-cache ''"
  printf 'cold strip node-express (seccomp, no cache): imgstrip %ss (target <= 12), gzip -dc + gzip -6 %ss, ratio %s, peak RSS %d MB (target <= 500)\n' \
    "$T" "$base" "$(ratio "$T" "$base")" "$((RSS / 1024))"
else
  cat "$WORK/node-build.log"
  exit 1
fi
