#!/usr/bin/env bash
# Builds the csvs-web example image (nginx + php-fpm + php-sqlite3 + php-mysql and a PHP
# guestbook) from Debian packages with mmdebstrap, imports it with podman as IMAGE
# (default localhost/csvs2021-web_i:latest) and, with a second argument, pushes it there
# (e.g. docker://127.0.0.1:5000/csvs2021-web_i:latest; plain HTTP on loopback).
# ENGINE=docker builds it with `docker build` (FROM scratch, the root file system ADDed,
# with a HEALTHCHECK: podman import cannot set one) into the Docker engine at DOCKER_HOST
# instead, and pushes nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${1:-localhost/csvs2021-web_i:latest}
push_to=${2:-}
cache=${IMGSTRIP_FIXTURES:-/var/tmp/imgstrip-fixtures}
mkdir -p "$cache"
key=$(cat "$here"/build.sh "$here"/docker-entrypoint.sh "$here"/nginx-site.conf "$here"/app/* | sha256sum | cut -c1-12)
rootfs=$cache/csvs-web-$key.tar
if [ ! -s "$rootfs" ]; then
  mmdebstrap --variant=apt --include=nginx-light,php-fpm,php-sqlite3,php-mysql \
    --customize-hook="rm -f \"\$1\"/var/www/html/index.nginx-debian.html" \
    --customize-hook="copy-in $here/app/index.php /var/www/html" \
    --customize-hook="copy-in $here/nginx-site.conf /etc/nginx" \
    --customize-hook="mv \"\$1\"/etc/nginx/nginx-site.conf \"\$1\"/etc/nginx/site.template" \
    --customize-hook="copy-in $here/docker-entrypoint.sh /" \
    --customize-hook="chmod 755 \"\$1\"/docker-entrypoint.sh" \
    --format=tar bookworm "$rootfs.tmp" >"$rootfs.log" 2>&1 || { cat "$rootfs.log" >&2; exit 1; }
  mv "$rootfs.tmp" "$rootfs"
fi
if [ "${ENGINE:-podman}" = docker ]; then
  ctx=$(mktemp -d "${TMPDIR:-/var/tmp}/csvs-web-build.XXXXXX")
  trap 'rm -rf "$ctx"' EXIT
  ln "$rootfs" "$ctx/rootfs.tar" 2>/dev/null || cp "$rootfs" "$ctx/rootfs.tar"
  cat >"$ctx/Dockerfile" <<'EOF2'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EXPOSE 80
HEALTHCHECK --interval=2s --timeout=5s --retries=3 \
  CMD test -S /run/php/php8.2-fpm.sock && kill -0 "$(cat /run/nginx.pid)" && ls /var/lib/guestbook >/dev/null
ENTRYPOINT ["/docker-entrypoint.sh"]
EOF2
  DOCKER_BUILDKIT=0 docker build -q -t "$image" "$ctx" >/dev/null
  echo "$image"
  exit 0
fi
podman import -q --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' --change 'EXPOSE 80' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$rootfs" "$image" >/dev/null
if [ -n "$push_to" ]; then
  podman push -q --tls-verify=false "$image" "$push_to"
fi
echo "$image"
