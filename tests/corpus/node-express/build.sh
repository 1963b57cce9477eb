#!/usr/bin/env bash
# node-express: a bookmarks API on express (+ helmet, morgan) on Debian's nodejs; the
# node_modules are installed here with npm (package-lock.json), the app lives in /app,
# `CMD ["node","server.js"]`, bookmarks persisted in the /data volume.
# build.sh [IMAGE]: builds (root file system cached by content) and prints the image name.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../build-lib.sh"
image=${1:-localhost/corpus-node-express:latest}
key=$(corpus_key "$here")
rootfs=$(corpus_rootfs_path node-express "$key")
if [ ! -s "$rootfs" ]; then
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/app"
  cp -r "$here/package.json" "$here/package-lock.json" "$here/server.js" "$here/public" "$stage/app/"
  (cd "$stage/app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
  corpus_mmdebstrap "$rootfs" --include=nodejs \
    --customize-hook="mkdir -p \"\$1\"/data" \
    --customize-hook="copy-in $stage/app /"
fi
corpus_import "$rootfs" "$image" "$key" \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  'ENV NODE_ENV=production' 'ENV PORT=3000' 'ENV DATA_DIR=/data' \
  'WORKDIR /app' 'VOLUME /data' 'EXPOSE 3000' \
  'CMD ["node","server.js"]'
echo "$image"
