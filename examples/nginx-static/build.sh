#!/usr/bin/env bash
# Builds the nginx-only static site example image from Debian packages (see
# ../csvs-web/build.sh for the arguments).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${1:-localhost/nginx-static:latest}
push_to=${2:-}
cache=${IMGSTRIP_FIXTURES:-/var/tmp/imgstrip-fixtures}
mkdir -p "$cache"
key=$(cat "$here"/build.sh "$here"/docker-entrypoint.sh "$here"/nginx-site.conf "$here"/site/* | sha256sum | cut -c1-12)
rootfs=$cache/nginx-static-$key.tar
if [ ! -s "$rootfs" ]; then
  mmdebstrap --variant=apt --include=nginx-light \
    --customize-hook="mkdir -p \"\$1\"/srv/site" \
    --customize-hook="copy-in $here/site/index.html /srv/site" \
    --customize-hook="copy-in $here/nginx-site.conf /etc/nginx" \
    --customize-hook="mv \"\$1\"/etc/nginx/nginx-site.conf \"\$1\"/etc/nginx/site.template" \
    --customize-hook="copy-in $here/docker-entrypoint.sh /" \
    --customize-hook="chmod 755 \"\$1\"/docker-entrypoint.sh" \
    --format=tar bookworm "$rootfs.tmp" >"$rootfs.log" 2>&1 || { cat "$rootfs.log" >&2; exit 1; }
  mv "$rootfs.tmp" "$rootfs"
fi
podman import -q --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' --change 'EXPOSE 80' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$rootfs" "$image" >/dev/null
if [ -n "$push_to" ]; then
  podman push -q --tls-verify=false "$image" "$push_to"
fi
echo "$image"
