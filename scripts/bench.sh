#!/usr/bin/env bash
# Benchmarks (not tests): each line compares imgstrip with a baseline measured in the same
# run on the same input, and prints the ratio and imgstrip's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bash scripts/build.sh >/dev/null
IMGSTRIP=$PWD/build/cmd/imgstrip
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
