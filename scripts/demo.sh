#!/usr/bin/env bash
# The built-in example: installs dependencies, builds imgstrip, builds a real Debian image
# (mmdebstrap + podman), and shows what imgstrip reads and writes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
IMGSTRIP=$PWD/build/cmd/imgstrip
FIXTURES=${IMGSTRIP_FIXTURES:-/var/tmp/imgstrip-fixtures}
mkdir -p "$FIXTURES"
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/imgstrip-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

rootfs=$FIXTURES/demo-nginx.tar
if [ ! -s "$rootfs" ]; then
  echo "== building a Debian bookworm root file system with nginx (mmdebstrap)"
  mmdebstrap --variant=apt --include=nginx-light --format=tar bookworm "$rootfs.tmp" >/dev/null 2>&1
  mv "$rootfs.tmp" "$rootfs"
fi
echo "== importing it as an image with podman, exporting as an OCI layout with skopeo"
podman import -q --change 'CMD ["nginx","-g","daemon off;"]' --change 'EXPOSE 80' \
  "$rootfs" localhost/imgstrip-demo:latest >/dev/null
skopeo copy -q containers-storage:localhost/imgstrip-demo:latest "oci:$WORK/demo:latest"

echo "== imgstrip inspect"
"$IMGSTRIP" inspect "oci:$WORK/demo:latest"
echo "== imgstrip ls (first lines of $("$IMGSTRIP" ls "oci:$WORK/demo:latest" | wc -l) entries)"
"$IMGSTRIP" ls "oci:$WORK/demo:latest" usr/sbin | head -5
echo "== imgstrip copy --flatten to a docker-archive, loaded and run by podman"
"$IMGSTRIP" copy --flatten --timestamp 0 "oci:$WORK/demo:latest" \
  "docker-archive:$WORK/demo.tar:localhost/imgstrip-demo-flat:latest"
podman load -q -i "$WORK/demo.tar"
podman run --rm --runtime runc --network host --ulimit nofile=1024:1024 \
  --ulimit nproc=1024:1024 localhost/imgstrip-demo-flat:latest nginx -v
ls -l "$WORK/demo.tar"
